using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// A silo or a command pointed at a Redis that is not there: one line on stderr, a non-zero exit, and a bounded
/// wait. The Redis here accepts the connection and then says nothing, the case that could hang.
/// </summary>
public sealed class UnreachableRedisTests(ITestOutputHelper output)
{
    // The silo and CLI give Redis 3 s (10 s at most, whatever the configuration string says); the rest is
    // dotnet start-up on a loaded machine.
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Silo_RedisThatNeverAnswers_PrintsOneLineAndExitsWithStartFailedInBoundedTime()
    {
        using var silentRedis = new SilentTcpServer();
        var redis = Address(silentRedis.Port);

        var started = Stopwatch.StartNew();
        var run = await SiloProcess.RunToExitAsync(
            TimeSpan.FromSeconds(90),
            "--redis", redis, "--silo-port", Port(FreePorts.Next()), "--gateway-port", Port(FreePorts.Next()));
        var elapsed = started.Elapsed;
        output.WriteLine($"silo exited {run.ExitCode} after {elapsed.TotalSeconds:F1}s: {run.Error.Trim()}");

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(Lines(run.Output + run.Error));
        Assert.StartsWith($"error: could not connect to Redis at {redis}", line, StringComparison.Ordinal);
        Assert.True(elapsed < ExitBound, $"the silo took {elapsed} to give up (bound {ExitBound})");
    }

    [Fact]
    public async Task Cli_RedisThatNeverAnswers_PrintsOneLineAndExitsNoSiloReachableInBoundedTime()
    {
        using var silentRedis = new SilentTcpServer();
        var redis = Address(silentRedis.Port);

        var started = Stopwatch.StartNew();
        var run = await ClientProcess.RunAsync("status", "some-barrier", "--redis", redis);
        var elapsed = started.Elapsed;
        output.WriteLine($"CLI exited {run.ExitCode} after {elapsed.TotalSeconds:F1}s: {run.Error.Trim()}");

        Assert.Equal(4, run.ExitCode);
        Assert.Empty(run.Output);
        var line = Assert.Single(Lines(run.Error));
        Assert.StartsWith($"error: could not connect to Redis at {redis}", line, StringComparison.Ordinal);
        Assert.True(elapsed < ExitBound, $"the CLI took {elapsed} to give up (bound {ExitBound})");
    }

    private static string Address(int port) => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

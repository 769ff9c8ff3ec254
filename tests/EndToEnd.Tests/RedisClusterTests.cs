using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Client.Connection;
using Orleans.Barrier.Connectivity;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Silo processes started with <c>--redis</c> against a redis-server of the test's own: membership and barrier state
/// live in Redis, and the CLI finds the gateways there.
/// </summary>
public sealed class RedisClusterTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartupBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task Silo_StoppedAndAFreshOneStartedOnTheSameRedis_KeepsPhasePartiesAndBrokenState()
    {
        RedisServer.SkipUnlessInstalled();
        var clock = Stopwatch.StartNew();
        await using var redis = await RedisServer.StartAsync();
        var clusterId = $"e2e-redis-{Guid.NewGuid():N}";
        string[] siloArguments = ["--redis", redis.Address, "--advertised-address", "127.0.0.1"];
        string[] cli = ["--redis", redis.Address, "--cluster-id", clusterId];
        var name = $"e2e-restart-{Guid.NewGuid():N}";

        BarrierStatus before;
        int stopExitCode;
        await using (var first = SiloProcess.Start(clusterId, extraArguments: siloArguments))
        {
            await first.WaitUntilReadyAsync(StartupBound);
            output.WriteLine($"first silo ready at {clock.Elapsed.TotalSeconds:F1}s");
            var waits = await Task.WhenAll(
                ClientProcess.RunAsync(["wait", name, "--parties", "2", .. cli]),
                ClientProcess.RunAsync(["wait", name, "--parties", "2", .. cli]));
            var abort = await ClientProcess.RunAsync(["abort", name, .. cli]);
            Assert.All(waits, run => Assert.True(run.ExitCode == 0, run.ToString()));
            Assert.True(abort.ExitCode == 0, abort.ToString());
            before = await StatusAsync(redis, clusterId, name);
            stopExitCode = await first.StopAsync(StopBound);
            output.WriteLine($"first silo stopped ({stopExitCode}) at {clock.Elapsed.TotalSeconds:F1}s");
        }

        await using var second = SiloProcess.Start(clusterId, extraArguments: siloArguments);
        await second.WaitUntilReadyAsync(StartupBound);
        output.WriteLine($"fresh silo ready at {clock.Elapsed.TotalSeconds:F1}s");
        var after = await StatusAsync(redis, clusterId, name);
        var statusLine = await ClientProcess.RunAsync(["status", name, .. cli]);
        var mismatch = await ClientProcess.RunAsync(["wait", name, "--parties", "3", .. cli]);
        output.WriteLine($"done at {clock.Elapsed.TotalSeconds:F1}s\n{statusLine.Output}");

        Assert.Equal(0, stopExitCode);
        Assert.Equal((BarrierState.Broken, 1L, 2, BrokenBarrierReason.Aborted), (before.State, before.Phase, before.Parties, before.BrokenReason));
        Assert.Equal((before.State, before.Phase, before.Parties, before.BrokenReason), (after.State, after.Phase, after.Parties, after.BrokenReason));
        Assert.NotEqual(before.HostSilo, after.HostSilo);
        Assert.True(statusLine.ExitCode == 0 && statusLine.Output.Contains("Broken reason: Aborted", StringComparison.Ordinal), statusLine.ToString());
        Assert.True(mismatch.ExitCode == 3 && mismatch.Error.Contains("2 parties", StringComparison.Ordinal), mismatch.ToString());
    }

    [SkippableFact]
    public async Task Cli_RedisWithNoSiloOfThatCluster_PrintsOneLineAndExitsNoSiloReachable()
    {
        RedisServer.SkipUnlessInstalled();
        await using var redis = await RedisServer.StartAsync();

        var run = await ClientProcess.RunAsync("status", "some-barrier", "--redis", redis.Address, "--cluster-id", $"nobody-{Guid.NewGuid():N}");

        Assert.Equal(4, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("no active silo of this cluster and service is registered there", line, StringComparison.Ordinal);
    }

    /// <summary>Reads the barrier's status, without creating it, through a client that finds the gateway in Redis as the CLI does.</summary>
    private static async Task<BarrierStatus> StatusAsync(RedisServer redis, string clusterId, string name)
    {
        Assert.True(RedisSettings.TryParse(redis.Address, out var settings, out var error), error);
        using var timeout = new CancellationTokenSource(CallBound);
        var cluster = ClusterSettings.ThroughRedis(settings!, clusterId, ClusterSettings.DefaultServiceId);
        await using var connection = await ClusterConnection.ConnectAsync(cluster, LogLevel.Critical, timeout.Token);
        var status = await connection.Client.GetGrain<IBarrierGrain>(name).GetStatusAsync(null).WaitAsync(timeout.Token);
        return status ?? throw new InvalidOperationException($"Barrier '{name}' is unknown to the cluster: its state was not found.");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Orleans.Barrier.Tests;

/// <summary>
/// A throw-away <c>redis-server</c> of this test's own, on a free loopback port, with no persistence; stopped by its
/// PID. Nothing is shared with other tests or with a Redis the machine may run (the cluster tests' Redis shape shares
/// one per test run, <c>TestRedisServer</c>). Linked into the end-to-end and the cluster tests.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    /// <summary>The path of <c>redis-server</c> on PATH, or <see langword="null"/> if it is not installed.</summary>
    public static string? Executable { get; } = FindOnPath("redis-server");

    public int Port { get; }

    /// <summary>The value for the silo's and the CLI's <c>--redis</c>.</summary>
    public string Address => string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{Port}");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Skips the calling test when <c>redis-server</c> is not installed, with a message that says how to get it; on CI
    /// (CI=true) fails instead, because .ci/run installs it and a skip there would hide a broken install step.
    /// </summary>
    public static void SkipUnlessInstalled()
    {
        if (Executable is not null)
        {
            return;
        }

        const string Missing = "redis-server is not on PATH; install it (apt-get install -y redis-server) to run the Redis tests.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(Missing + " On CI .ci/run installs it, so its absence is a failure.");
        }

        Skip.If(true, Missing);
    }

    /// <summary>Starts a server and returns once it accepts connections.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var executable = Executable ?? throw new InvalidOperationException("redis-server is not installed; call SkipUnlessInstalled first.");
        var port = FreePorts.Next();
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        // Loopback only, no RDB or AOF files, and in the foreground so that this process owns it.
        foreach (var argument in (string[])["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--daemonize", "no"])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("redis-server did not start.");
        var server = new RedisServer(process, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => server._ready.TrySetException(
            new InvalidOperationException($"redis-server on port {port} exited before it was ready. Output:\n{server.Output}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server._ready.Task.WaitAsync(StartBound);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("Ready to accept connections", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}

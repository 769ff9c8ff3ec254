using System.Diagnostics;
using System.Text;

namespace Orleans.Barrier.Tests;

/// <summary>A real silo in its own OS process (src/Silo), started with <c>dotnet Orleans.Barrier.Silo.dll</c>.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Text, TaskCompletionSource Seen)> _watchers = [];

    private SiloProcess(Process process, int siloPort, int gatewayPort)
    {
        _process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    /// <summary>Everything the silo wrote so far, for failure messages.</summary>
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
    /// Starts a silo on free ports. <paramref name="extraArguments"/> are passed as they are, e.g.
    /// <c>["--redis", redis.Address, "--advertised-address", "127.0.0.1"]</c> or TLS options.
    /// </summary>
    public static SiloProcess Start(string clusterId, int? primarySiloPort = null, IEnumerable<string>? extraArguments = null)
    {
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var start = StartInfo(
        [
            "--silo-port", siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--gateway-port", gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--cluster-id", clusterId,
            .. primarySiloPort is { } primary ? ["--primary-silo", $"127.0.0.1:{primary}"] : (string[])[],
            .. extraArguments ?? [],
        ]);

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var silo = new SiloProcess(process, siloPort, gatewayPort);
        silo.JoinOwnCgroup();
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => silo._ready.TrySetException(
            new InvalidOperationException($"The silo on port {siloPort} exited before it was ready. Output:\n{silo.Output}"));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>
    /// Completes when the silo has logged that it is ready (its gateway accepts clients), so that a client started
    /// afterwards knows both gateways from the start instead of marking a still-starting one dead.
    /// </summary>
    public async Task WaitUntilReadyAsync(TimeSpan bound)
    {
        try
        {
            await _ready.Task.WaitAsync(bound);
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException($"The silo on port {SiloPort} was not ready within {bound}. Output:\n{Output}", exception);
        }
    }

    /// <summary>
    /// Runs a silo that is expected to stop on its own (a bad option, an unreachable Redis) and returns its exit code
    /// and output, killing it if it is still running after <paramref name="bound"/>.
    /// </summary>
    public static async Task<ClientRun> RunToExitAsync(TimeSpan bound, params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments)) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(bound);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The silo was still running after {bound}. Output:\n{await stdout}\n{await stderr}");
        }

        return new ClientRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Stops the silo as an operator would (SIGTERM): it leaves the cluster gracefully, marking itself dead in the
    /// membership table, and exits. Returns its exit code.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan bound)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill!.WaitForExitAsync().WaitAsync(bound);
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(bound);
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException($"The silo on port {SiloPort} did not stop within {bound} of SIGTERM. Output:\n{Output}", exception);
        }

        return _process.ExitCode;
    }

    /// <summary>Ends the process at once, as a crash would: no graceful shutdown, no goodbye to the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>
    /// The silo's own cgroup (v2), relative to the cgroup2 root, so that iptables can tell its traffic from the other
    /// silos' on one loopback interface (<c>-m cgroup --path</c>); null where this process may not make cgroups.
    /// </summary>
    public string? Cgroup { get; private set; }

    /// <summary>Where the cgroup2 hierarchy is mounted (alone, or beside v1 as <c>unified</c>); null without one.</summary>
    public static string? CgroupRoot { get; } = new[] { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" }
        .FirstOrDefault(path => File.Exists(Path.Combine(path, "cgroup.procs")) && File.Exists(Path.Combine(path, "cgroup.controllers")) || File.Exists(Path.Combine(path, "cgroup.procs")) && path.EndsWith("unified", StringComparison.Ordinal));

    /// <summary>True once the process has ended (killed, stopped, or it stopped itself).</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Freezes the process with SIGSTOP, as a long GC pause or a frozen VM would: its sockets stay open and nothing
    /// answers, so the others see a silo that is neither gone nor alive. <see cref="Resume"/> lets it run on, unaware
    /// of the time that passed.
    /// </summary>
    public Task PauseAsync() => SignalAsync("-STOP");

    /// <summary>Lets a process frozen by <see cref="PauseAsync"/> run again (SIGCONT).</summary>
    public Task ResumeAsync() => SignalAsync("-CONT");

    /// <summary>Completes when the process has ended by itself within <paramref name="bound"/>; false if it has not.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan bound)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(bound);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    // Joined right after the start, before the runtime has opened a socket: a socket belongs to the cgroup it was
    // made in. Best effort: without it, the partition test skips.
    private void JoinOwnCgroup()
    {
        if (CgroupRoot is not { } root)
        {
            return;
        }

        var name = $"barrier-silo-{SiloPort}";
        try
        {
            Directory.CreateDirectory(Path.Combine(root, name));
            File.WriteAllText(Path.Combine(root, name, "cgroup.procs"), _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Cgroup = name;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
        }
    }

    private async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            ?? throw new InvalidOperationException("kill did not start.");
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} of the silo on port {SiloPort} failed with exit code {kill.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _ready.TrySetCanceled();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
        if (Cgroup is not null && CgroupRoot is { } root)
        {
            try
            {
                Directory.Delete(Path.Combine(root, Cgroup));
            }
            catch (IOException)
            {
                // Still emptying; an empty cgroup left behind costs nothing.
            }
        }
    }

    private static ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppPaths.Silo);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The silo reads its settings from BARRIER_* variables too; a test's process must not inherit any.
        foreach (var variable in start.Environment.Keys.Where(key => key.StartsWith("BARRIER_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(variable);
        }

        return start;
    }

    /// <summary>Completes when the silo has written a line containing <paramref name="text"/> (or already had).</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan bound)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_output)
        {
            if (_output.ToString().Contains(text, StringComparison.Ordinal))
            {
                return;
            }

            _watchers.Add((text, seen));
        }

        try
        {
            await seen.Task.WaitAsync(bound);
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException($"The silo on port {SiloPort} did not write '{text}' within {bound}. Output:\n{Output}", exception);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            foreach (var (text, seen) in _watchers.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                seen.TrySetResult();
                _watchers.Remove((text, seen));
            }
        }

        // src/Silo logs this once StartAsync has returned; see SiloHost.LogReady.
        if (line.Contains("Silo ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}

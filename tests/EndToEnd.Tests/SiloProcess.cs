using System.Diagnostics;
using System.Text;

namespace Orleans.Barrier.Tests;

/// <summary>A real silo in its own OS process (src/Silo), started with <c>dotnet Orleans.Barrier.Silo.dll</c>.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    public static SiloProcess Start(string clusterId, int? primarySiloPort = null)
    {
        var siloPort = FreePorts.Next();
        var gatewayPort = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppPaths.Silo);
        start.ArgumentList.Add("--silo-port");
        start.ArgumentList.Add(siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--gateway-port");
        start.ArgumentList.Add(gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--cluster-id");
        start.ArgumentList.Add(clusterId);
        if (primarySiloPort is { } primary)
        {
            start.ArgumentList.Add("--primary-silo");
            start.ArgumentList.Add($"127.0.0.1:{primary}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var silo = new SiloProcess(process, siloPort, gatewayPort);
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

    /// <summary>Ends the process at once, as a crash would: no graceful shutdown, no goodbye to the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        _ready.TrySetCanceled();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _process.Dispose();
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
        }

        // src/Silo logs this once StartAsync has returned; see SiloHost.LogReady.
        if (line.Contains("Silo ready", StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }
}

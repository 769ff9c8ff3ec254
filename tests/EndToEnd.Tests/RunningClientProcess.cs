using System.Diagnostics;
using System.Text;

namespace Orleans.Barrier.Tests;

/// <summary>A command-line client process that is still running, e.g. waiting at a barrier, until it exits or is killed.</summary>
internal sealed class RunningClientProcess : IAsyncDisposable
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningClientProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved, for failure messages.</summary>
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

    public static RunningClientProcess Start(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var running = new RunningClientProcess(process);
        process.OutputDataReceived += (_, e) => running.Append(e.Data);
        process.ErrorDataReceived += (_, e) => running.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>
    /// Ends the process with SIGKILL (what <see cref="Process.Kill(bool)"/> sends on Linux), as a crash or
    /// <c>kill -9</c> would: no cancellation reaches the barrier, the process simply stops polling. Returns once the
    /// OS has reaped it.
    /// </summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(ExitBound);
    }

    /// <summary>Waits for the process to end on its own and returns its exit code; throws with its output if it is still running after <paramref name="bound"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan bound)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(bound);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"The client process was still running after {bound}. Output:\n{Output}", exception);
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WaitAsync(ExitBound);
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
    }
}

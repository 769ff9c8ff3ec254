using System.Diagnostics;

namespace Orleans.Barrier.Tests;

/// <summary>The command-line client (src/Client) as its own OS process: run to the end, or started and left running.</summary>
internal static class ClientProcess
{
    public static async Task<ClientRun> RunAsync(params string[] arguments)
    {
        using var process = Process.Start(StartInfo(arguments)) ?? throw new InvalidOperationException("dotnet did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ClientRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the client and returns while it runs, e.g. a <c>wait</c> that a test then kills.</summary>
    public static RunningClientProcess Start(params string[] arguments) => RunningClientProcess.Start(StartInfo(arguments));

    private static ProcessStartInfo StartInfo(string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppPaths.Client);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }
}

namespace Orleans.Barrier.Tests;

/// <summary>What a finished client process returned and printed.</summary>
internal sealed record ClientRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
}

namespace Orleans.Barrier.Silo;

/// <summary>The silo process's exit codes, so a supervisor or a script can tell a typo from an unreachable Redis.</summary>
internal static class SiloExitCodes
{
    /// <summary>Stopped on request (Ctrl+C, SIGTERM).</summary>
    public const int Stopped = 0;

    /// <summary>Bad options; System.CommandLine uses the same code for parse errors.</summary>
    public const int InvalidArguments = 1;

    /// <summary>Could not start: Redis unreachable, TLS certificate unusable, a port taken, or Orleans refused to start.</summary>
    public const int StartFailed = 2;
}

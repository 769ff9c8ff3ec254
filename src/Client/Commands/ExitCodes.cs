namespace Orleans.Barrier.Client.Commands;

/// <summary>The process exit codes, so scripts can tell a broken barrier from a missing silo.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Bad arguments; System.CommandLine uses the same code for parse errors.</summary>
    public const int InvalidArguments = 1;

    /// <summary>The barrier is broken (aborted, reset, timed out or a participant lost).</summary>
    public const int BarrierBroken = 2;

    /// <summary>The barrier refused the operation: a different party count, or an unused barrier without one.</summary>
    public const int InvalidOperation = 3;

    /// <summary>No silo could be reached, the cluster stopped answering, or this wait's arrival was evicted.</summary>
    public const int SiloUnreachable = 4;

    /// <summary>Cancelled by Ctrl+C; 128 + SIGINT, as shells report it.</summary>
    public const int Cancelled = 130;

    /// <summary>The codes as one help paragraph.</summary>
    public const string Help =
        "Exit codes: 0 success, 1 invalid arguments, 2 barrier broken, 3 operation refused (party mismatch, unused barrier), 4 no silo reachable or arrival evicted, 130 cancelled.";
}

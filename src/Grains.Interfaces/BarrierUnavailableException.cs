namespace Orleans.Barrier;

/// <summary>
/// Thrown by a wait when the barrier's grain could not be reached for longer than the handle's re-attach window
/// (twice the caller's response timeout, counted from its last answer): the silo hosting it failed and no other
/// silo took the barrier over.
/// The arrival may be lost; the participant should decide whether to wait again.
/// </summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.BarrierUnavailableException")]
public sealed class BarrierUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public BarrierUnavailableException()
        : base("The barrier could not be reached.")
    {
    }

    /// <summary>Creates the exception with the given message.</summary>
    public BarrierUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the given message and the last error that made the barrier unreachable.</summary>
    public BarrierUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Orleans.Barrier;

/// <summary>
/// Thrown by a wait when the barrier is broken: aborted, reset while the wait was pending, or timed out.
/// Serializable, so it reaches clients and other silos with its <see cref="Reason"/> intact.
/// </summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.BrokenBarrierException")]
public sealed class BrokenBarrierException : Exception
{
    /// <summary>Creates an exception with reason <see cref="BrokenBarrierReason.Aborted"/>.</summary>
    public BrokenBarrierException()
        : this(BrokenBarrierReason.Aborted)
    {
    }

    /// <summary>Creates an exception with the given message and reason <see cref="BrokenBarrierReason.Aborted"/>.</summary>
    public BrokenBarrierException(string message)
        : this(BrokenBarrierReason.Aborted, message)
    {
    }

    /// <summary>Creates an exception with the given message, inner exception and reason <see cref="BrokenBarrierReason.Aborted"/>.</summary>
    public BrokenBarrierException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = BrokenBarrierReason.Aborted;
    }

    /// <summary>Creates an exception for the given reason with a default message.</summary>
    public BrokenBarrierException(BrokenBarrierReason reason)
        : this(reason, DefaultMessage(reason, barrierName: null, lostParticipants: null))
    {
    }

    /// <summary>Creates an exception for the given reason and message.</summary>
    public BrokenBarrierException(BrokenBarrierReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    /// <summary>Why the barrier broke.</summary>
    [Id(0)]
    public BrokenBarrierReason Reason { get; private set; }

    /// <summary>
    /// The participants whose leases ran out, when <see cref="Reason"/> is <see cref="BrokenBarrierReason.ParticipantLost"/>;
    /// empty otherwise.
    /// </summary>
    [Id(1)]
    public IReadOnlyList<string> LostParticipants { get; private set; } = [];

    internal static BrokenBarrierException For(string barrierName, BrokenBarrierReason reason, IReadOnlyList<string>? lostParticipants = null)
        => new(reason, DefaultMessage(reason, barrierName, lostParticipants)) { LostParticipants = lostParticipants ?? [] };

    private static string DefaultMessage(BrokenBarrierReason reason, string? barrierName, IReadOnlyList<string>? lostParticipants = null)
    {
        var subject = barrierName is null ? "The barrier" : $"Barrier '{barrierName}'";
        return reason switch
        {
            BrokenBarrierReason.ParticipantLost => $"{subject} is broken: participant(s) {string.Join(", ", lostParticipants ?? [])} stopped renewing their lease while waiting. Reset it to use it again.",
            BrokenBarrierReason.Aborted => $"{subject} is broken: it was aborted. Reset it to use it again.",
            BrokenBarrierReason.Reset => $"{subject} was reset while this participant was waiting.",
            BrokenBarrierReason.Timeout => $"{subject} is broken: a wait timed out before the barrier was released. Reset it to use it again.",
            _ => $"{subject} is broken ({reason}).",
        };
    }
}

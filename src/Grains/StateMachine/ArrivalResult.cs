namespace Orleans.Barrier;

/// <summary>What the state machine decided for one arrival; the grain turns it into an <see cref="ArrivalOutcome"/>.</summary>
/// <param name="Kind">Pending, released, broken, cancelled or unknown.</param>
/// <param name="Index">The release index when released; otherwise -1.</param>
/// <param name="Phase">The phase number a release completed, or the current phase otherwise.</param>
/// <param name="Reason">Why the barrier broke, when broken.</param>
internal readonly record struct ArrivalResult(ArrivalOutcomeKind Kind, int Index, long Phase, BrokenBarrierReason? Reason)
{
    public static ArrivalResult Pending(long phase) => new(ArrivalOutcomeKind.Pending, -1, phase, null);

    public static ArrivalResult Released(int index, long phase) => new(ArrivalOutcomeKind.Released, index, phase, null);

    public static ArrivalResult Broken(BrokenBarrierReason reason, long phase) => new(ArrivalOutcomeKind.Broken, -1, phase, reason);

    public static ArrivalResult Cancelled(long phase) => new(ArrivalOutcomeKind.Cancelled, -1, phase, null);

    public static ArrivalResult Unknown(long phase) => new(ArrivalOutcomeKind.Unknown, -1, phase, null);

    /// <summary>Whether this is a final answer (anything but pending).</summary>
    public bool IsFinal => Kind != ArrivalOutcomeKind.Pending;
}

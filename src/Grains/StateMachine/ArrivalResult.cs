namespace Orleans.Barrier;

/// <summary>What the state machine decided for one arrival; the grain turns it into an <see cref="ArrivalOutcome"/>.</summary>
/// <param name="Kind">Pending, released, broken, cancelled, evicted or unknown.</param>
/// <param name="Index">The release index when released; otherwise -1.</param>
/// <param name="Phase">The phase number a release completed, or the current phase otherwise.</param>
/// <param name="Reason">Why the barrier broke, when broken.</param>
/// <param name="Lost">The participants whose lost leases broke the barrier, when <paramref name="Reason"/> is <see cref="BrokenBarrierReason.ParticipantLost"/>.</param>
/// <param name="Units">
/// For a release: how many of the arrival's units it took, with indices <paramref name="Index"/> onwards. Fewer than
/// the arrival brought when the party was completed by part of it; the rest were not counted and must arrive again.
/// </param>
/// <param name="Offered">For a release: how many units the arrival stood for (after withdrawals), of which <paramref name="Units"/> were taken.</param>
internal readonly record struct ArrivalResult(ArrivalOutcomeKind Kind, int Index, long Phase, BrokenBarrierReason? Reason, IReadOnlyList<string>? Lost = null, int Units = 1, int Offered = 1)
{
    public static ArrivalResult Pending(long phase) => new(ArrivalOutcomeKind.Pending, -1, phase, null);

    public static ArrivalResult Released(int index, long phase, int units = 1, int offered = 0)
        => new(ArrivalOutcomeKind.Released, index, phase, null, Units: units, Offered: Math.Max(offered, units));

    public static ArrivalResult Broken(BrokenBarrierReason reason, long phase, IReadOnlyList<string>? lost = null)
        => new(ArrivalOutcomeKind.Broken, -1, phase, reason, lost);

    public static ArrivalResult Cancelled(long phase) => new(ArrivalOutcomeKind.Cancelled, -1, phase, null);

    public static ArrivalResult Evicted(long phase) => new(ArrivalOutcomeKind.Evicted, -1, phase, null);

    public static ArrivalResult Unknown(long phase) => new(ArrivalOutcomeKind.Unknown, -1, phase, null);

    /// <summary>Whether this is a final answer (anything but pending).</summary>
    public bool IsFinal => Kind != ArrivalOutcomeKind.Pending;
}

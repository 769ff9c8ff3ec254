namespace Orleans.Barrier;

/// <summary>Why passed deadlines break the barrier: a wait timed out, or leases ran out under the break policy.</summary>
/// <param name="Reason"><see cref="BrokenBarrierReason.Timeout"/> or <see cref="BrokenBarrierReason.ParticipantLost"/>.</param>
/// <param name="Lost">The participants whose leases ran out, for <see cref="BrokenBarrierReason.ParticipantLost"/>; otherwise null.</param>
internal readonly record struct OverdueBreak(BrokenBarrierReason Reason, IReadOnlyList<string>? Lost);

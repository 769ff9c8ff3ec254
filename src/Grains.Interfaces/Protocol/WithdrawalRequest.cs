namespace Orleans.Barrier;

/// <summary>
/// Lowers a waiting coalesced arrival to the members that stay (those of its members that were cancelled leave), sent
/// by a process's coalescer. Answered at once, never held, so the cancelled members learn at once whether they left or
/// a release or break came first.
/// </summary>
/// <param name="Staying">
/// The arrival as it stands once the withdrawn members have left: the same id and terms as its polls, with
/// <see cref="ArrivalRequest.Units"/>, <see cref="ArrivalRequest.Members"/> and <see cref="ArrivalRequest.MemberIds"/>
/// naming those who stay. It carries the whole arrival, not only the count, because a withdrawal can reach the barrier
/// before the arrival's first poll does (or reach a new activation that never heard of it): the barrier then counts the
/// arrival with only these members, and the late poll, whose units are higher, cannot raise them again.
/// </param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.WithdrawalRequest")]
internal sealed record WithdrawalRequest([property: Id(0)] ArrivalRequest Staying);

namespace Orleans.Barrier;

/// <summary>What happens when a scheduled deadline passes.</summary>
internal enum DeadlineKind
{
    /// <summary>The arrival's wait timed out: the barrier breaks with <see cref="BrokenBarrierReason.Timeout"/>.</summary>
    Timeout,

    /// <summary>The arrival's lease ran out: its loss policy applies.</summary>
    Lease,
}

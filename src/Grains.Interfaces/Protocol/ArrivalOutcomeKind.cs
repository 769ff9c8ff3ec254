namespace Orleans.Barrier;

/// <summary>What has become of an arrival.</summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.ArrivalOutcomeKind")]
internal enum ArrivalOutcomeKind
{
    /// <summary>Still waiting; the handle re-issues the wait with the same arrival id.</summary>
    Pending,

    /// <summary>Released with an index.</summary>
    Released,

    /// <summary>The barrier broke while (or before) the arrival waited.</summary>
    Broken,

    /// <summary>The arrival was removed by a cancellation before any release counted it.</summary>
    Cancelled,

    /// <summary>The incarnation that took the arrival no longer knows it: its outcome was answered and has expired.</summary>
    Unknown,

    /// <summary>The arrival's lease ran out under <see cref="ParticipantLossPolicy.Evict"/>: it was removed as if cancelled.</summary>
    Evicted,

    /// <summary>
    /// The request left out the party count (<see cref="ArrivalRequest.Parties"/>), but the activation that answers did not
    /// take the arrival's earlier attempts, so nothing has checked the count against the barrier's: the sender goes again
    /// with it. Never final.
    /// </summary>
    Unmet,
}

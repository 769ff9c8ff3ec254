namespace Orleans.Barrier.Tests.Model;

/// <summary>
/// Rules of <see cref="BarrierModel"/> that no result kind gives away on its own (an eviction may be a lease's or a
/// newer epoch's), reported by the step that applied them. The machine answered that step as the model did, so it
/// applied them too.
/// </summary>
[Flags]
internal enum ModelRules
{
    None = 0,

    /// <summary>A newer epoch of a shard (its arrival or its recall) evicted what older epochs left waiting.</summary>
    Superseded = 1,

    /// <summary>A new arrival from an epoch older than the newest seen was evicted on sight.</summary>
    EvictedOnSight = 2,

    /// <summary>A recall was answered with the member's own remembered index.</summary>
    RecallRemembered = 4,

    /// <summary>A recall was answered unknown: the member was not released and joins the new activation's arrivals.</summary>
    RecallJoins = 8,

    /// <summary>A report of lost members broke the barrier naming them.</summary>
    LoseBroke = 16,

    /// <summary>A report of lost members came after the arrival's final result, which stood.</summary>
    LoseAfterFinal = 32,

    /// <summary>A report named someone the waiting arrival does not stand for, and was refused.</summary>
    LoseRefusedForStranger = 64,

    /// <summary>A report named members of a waiting arrival that evicts its lost members, and was refused.</summary>
    LoseRefusedForEvict = 128,
}

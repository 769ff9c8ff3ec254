namespace Orleans.Barrier;

/// <summary>Why a wait failed with <see cref="BrokenBarrierException"/>.</summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.BrokenBarrierReason")]
public enum BrokenBarrierReason
{
    /// <summary><see cref="IDistributedBarrier.AbortAsync"/> was called; the barrier stays broken until reset.</summary>
    Aborted,

    /// <summary><see cref="IDistributedBarrier.ResetAsync"/> was called while this participant was waiting.</summary>
    Reset,

    /// <summary>A wait with a timeout was not released in time; the barrier stays broken until reset.</summary>
    Timeout,

    /// <summary>
    /// A waiting participant stopped renewing its lease (its process died, its client was disposed, its silo failed)
    /// and its policy was <see cref="ParticipantLossPolicy.Break"/>; <see cref="BrokenBarrierException.LostParticipants"/>
    /// names it. The barrier stays broken until reset.
    /// </summary>
    ParticipantLost,
}

namespace Orleans.Barrier;

/// <summary>What a barrier does when a waiting participant's lease runs out.</summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.ParticipantLossPolicy")]
public enum ParticipantLossPolicy
{
    /// <summary>
    /// Break the barrier for everyone with <see cref="BrokenBarrierReason.ParticipantLost"/>, naming the lost
    /// participants; it stays broken until reset, like any broken barrier.
    /// </summary>
    Break,

    /// <summary>Remove the lost arrival as if it had been cancelled; the others keep waiting.</summary>
    Evict,
}

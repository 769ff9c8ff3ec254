namespace Orleans.Barrier.Testing;

/// <summary>
/// A grain that takes part in a barrier, so tests can mix grain participants on any silo with clients. Where a call
/// takes a topology and a shard count, the grain's handle has that shape (a suite's barrier shape); by default it
/// is the handle a grain gets with no options.
/// </summary>
[Alias("Orleans.Barrier.Tests.IParticipantGrain")]
public interface IParticipantGrain : IGrainWithStringKey
{
    /// <summary>Waits on the barrier from inside this grain and returns the index it got.</summary>
    [Alias("Wait")]
    Task<int> WaitAsync(string barrier, int parties, TimeSpan? timeout);

    /// <summary>
    /// As <see cref="WaitAsync"/>, for waits longer than the cluster's response timeout. Only this test call from
    /// the client gets a longer timeout; the grain's own calls to the barrier keep the silo's short one.
    /// </summary>
    [Alias("WaitLong")]
    [ResponseTimeout("00:01:00")]
    Task<int> WaitLongAsync(string barrier, int parties, BarrierTopology topology = BarrierTopology.Auto, int? shards = null);

    /// <summary>
    /// Waits on the barrier from inside this grain through a handle with the given <see cref="BarrierOptions"/>
    /// members, and returns the index it got. Takes as long as the wait, so it has the longer timeout too.
    /// </summary>
    [Alias("WaitWithOptions")]
    [ResponseTimeout("00:01:00")]
    Task<int> WaitWithOptionsAsync(string barrier, int parties, string? participant, TimeSpan? lease, ParticipantLossPolicy onParticipantLost, BarrierTopology topology = BarrierTopology.Auto, int? shards = null);

    /// <summary>
    /// Starts the same wait and returns at once, for a participant whose silo a test is about to kill: no caller is
    /// then left waiting a whole response timeout for an answer that can never come.
    /// </summary>
    [Alias("StartWaitWithOptions")]
    Task StartWaitWithOptionsAsync(string barrier, int parties, string? participant, TimeSpan? lease, ParticipantLossPolicy onParticipantLost, BarrierTopology topology = BarrierTopology.Auto, int? shards = null);

    /// <summary>As <see cref="StartWaitWithOptionsAsync"/>, one wait per name, all started in one turn (so the silo coalesces them).</summary>
    [Alias("StartWaitsWithOptions")]
    Task StartWaitsWithOptionsAsync(string barrier, int parties, string[] participants, TimeSpan? lease, ParticipantLossPolicy onParticipantLost, BarrierTopology topology = BarrierTopology.Auto, int? shards = null);

    /// <summary>
    /// Starts a wait on the barrier inside this grain and returns at once; <see cref="GetWaitOutcomeAsync"/> tells
    /// how it ended. Idempotent per <paramref name="ticket"/>, so a test may retry it through silo failures, and
    /// the wait's outcome does not depend on the test's own call surviving them.
    /// </summary>
    [Alias("BeginWait")]
    Task BeginWaitAsync(string barrier, int parties, Guid ticket, BarrierTopology topology = BarrierTopology.Auto, int? shards = null);

    /// <summary>How the wait started with <paramref name="ticket"/> ended, or <see langword="null"/> while it still waits.</summary>
    [Alias("GetWaitOutcome")]
    Task<ParticipantWaitOutcome?> GetWaitOutcomeAsync(Guid ticket);

    /// <summary>As <see cref="BeginWaitAsync"/>, for a wait the test cancels with <see cref="CancelWaitAsync"/>.</summary>
    [Alias("BeginCancellableWait")]
    Task BeginCancellableWaitAsync(string barrier, int parties, Guid ticket);

    /// <summary>Cancels a wait started by <see cref="BeginCancellableWaitAsync"/> and returns once it has ended (cancelled, or released first).</summary>
    [Alias("CancelWait")]
    Task<ParticipantWaitOutcome?> CancelWaitAsync(Guid ticket);

    /// <summary>The silo this grain is activated on.</summary>
    [Alias("GetSilo")]
    Task<string> GetSiloAsync();
}

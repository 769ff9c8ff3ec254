using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Barrier.Testing;

/// <summary>
/// Another grain storage as one silo would reach a database across a network, so that a killed silo can lose a
/// write at every step of it: a write waits a moment before it is sent, travels, is stored, and its reply travels
/// back. A silo killed before the write is sent has lost it; a write already on the wire lands even if its silo dies
/// meanwhile, and then late, often after another silo has taken the barrier over and read the storage (the case an
/// ETag must fence off); a silo killed before the reply arrives has stored the state without learning it. Now and
/// then a write is slow anyway. Reads are immediate.
/// </summary>
/// <param name="inner">The shared storage, as this silo's instance, for reads; writes go to the same records.</param>
/// <param name="copier">This silo's copier, to take the state as it is sent.</param>
/// <param name="maxLatency">The longest of each of a write's three steps (before sending, on the wire, the reply), unless the write is slow.</param>
/// <param name="siloStopping">Cancelled when this silo starts to stop (is killed).</param>
public sealed class RemoteGrainStorage(IGrainStorage inner, DeepCopier copier, TimeSpan maxLatency, CancellationToken siloStopping) : IGrainStorage
{
    private const int SlowWriteOneIn = 8;
    private static readonly TimeSpan SlowWrite = TimeSpan.FromMilliseconds(150);

    // A write from a dead silo, stuck somewhere on the way, lands up to this long after it was sent: often past the
    // time another silo takes the barrier over (about a response timeout in these tests).
    private static readonly TimeSpan OrphanedWriteLag = TimeSpan.FromSeconds(7);
    private static long s_unsent;
    private static long s_slow;
    private static long s_late;
    private static long s_lateRefused;
    private static long s_unanswered;

    /// <summary>Writes lost because their silo was killed before sending them, by every instance in the process.</summary>
    public static long Unsent => Interlocked.Read(ref s_unsent);

    /// <summary>Slow writes, by every instance in the process.</summary>
    public static long Slow => Interlocked.Read(ref s_slow);

    /// <summary>Writes of a killed silo that landed late, by every instance in the process.</summary>
    public static long Late => Interlocked.Read(ref s_late);

    /// <summary>Late writes of a killed silo that storage refused (stale ETag), by every instance in the process.</summary>
    public static long LateRefused => Interlocked.Read(ref s_lateRefused);

    /// <summary>Writes stored whose reply was lost because their silo was killed meanwhile, by every instance in the process.</summary>
    public static long Unanswered => Interlocked.Read(ref s_unanswered);

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ReadStateAsync(stateName, grainId, grainState);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Off the grain's scheduler, as a storage client's I/O would be.
        await LagAsync(maxLatency).ConfigureAwait(false);
        ThrowIfSiloStopped("the write was never sent", ref s_unsent);

        // What is sent is what the state was when sent; landing needs nothing from the silo, which may be gone.
        var sent = (object)copier.Copy(grainState.State)!;
        var slow = Random.Shared.Next(SlowWriteOneIn) == 0;
        if (slow)
        {
            Interlocked.Increment(ref s_slow);
        }

        await LagAsync(slow ? SlowWrite : maxLatency).ConfigureAwait(false);
        var late = siloStopping.IsCancellationRequested;
        if (late)
        {
            Interlocked.Increment(ref s_late);
            await LagAsync(OrphanedWriteLag).ConfigureAwait(false);
        }

        try
        {
            await SharedGrainStorage.WriteCopyAsync(stateName, grainId, grainState, sent).ConfigureAwait(false);
        }
        catch (InconsistentStateException) when (late)
        {
            Interlocked.Increment(ref s_lateRefused);
            throw;
        }

        await LagAsync(maxLatency).ConfigureAwait(false);
        ThrowIfSiloStopped("the write was stored, but its reply never reached the silo", ref s_unanswered);
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => inner.ClearStateAsync(stateName, grainId, grainState);

    private static Task LagAsync(TimeSpan max) => Task.Delay(Random.Shared.Next((int)max.TotalMilliseconds + 1));

    private void ThrowIfSiloStopped(string what, ref long count)
    {
        if (siloStopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref count);
            throw new OperationCanceledException($"The silo was killed: {what}.", siloStopping);
        }
    }
}

using System.Collections.Concurrent;
using System.Globalization;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Barrier.Testing;

/// <summary>
/// A grain storage provider shared by every silo of the in-process test clusters: it lives in the test process,
/// not in any silo, so what a barrier stored survives the death of the silo that wrote it (as a real database
/// would). It checks ETags like a real provider, copies states in and out so no two activations share an object,
/// and lets a test write behind a barrier's back to make its activation stale.
/// </summary>
public sealed class SharedGrainStorage(DeepCopier copier) : IGrainStorage
{
    /// <summary>The provider name the test silos register it under, which is also the barriers' default <c>StorageName</c>.</summary>
    public const string Name = "Barriers";

    private static readonly ConcurrentDictionary<(string State, GrainId Grain), (object State, long ETag)> Records = new();
    private static readonly ConcurrentDictionary<string, long> WritesByBarrier = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, int> Rejections = new(StringComparer.Ordinal);
    private static long s_writes;

    /// <summary>Writes accepted so far, by every silo.</summary>
    public static long Writes => Interlocked.Read(ref s_writes);

    /// <summary>Writes accepted so far for the barrier called <paramref name="barrier"/>, so a test can count its own while others write too.</summary>
    public static long WritesOf(string barrier) => WritesByBarrier.GetValueOrDefault(barrier);

    /// <summary>Whether anything is stored for the barrier called <paramref name="barrier"/>.</summary>
    public static bool HoldsBarrier(string barrier) => Records.Keys.Any(k => k.Grain.Key.ToString() == barrier);

    /// <summary>Writes to the barrier called <paramref name="barrier"/> refused for a stale ETag: each one fenced off a stale activation.</summary>
    public static int RejectedWrites(string barrier) => Rejections.GetValueOrDefault(barrier);

    /// <summary>The phase stored for the barrier called <paramref name="barrier"/>, or null if nothing is stored.</summary>
    public static long? StoredPhase(string barrier)
        => Records.FirstOrDefault(r => r.Key.Grain.Key.ToString() == barrier).Value.State is StoredBarrier stored ? stored.Phase : null;

    /// <summary>Moves the stored ETag of a barrier on, as a write from another activation would: the next write of its current activation fails.</summary>
    public static void WriteBehindTheBarriersBack(string barrier)
    {
        var key = Records.Keys.Single(k => k.Grain.Key.ToString() == barrier);
        Records.AddOrUpdate(key, _ => throw new InvalidOperationException("Nothing stored."), (_, record) => (record.State, record.ETag + 1));
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Records.TryGetValue((stateName, grainId), out var record))
        {
            grainState.State = copier.Copy((T)record.State);
            grainState.ETag = record.ETag.ToString(CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
        => WriteCopyAsync(stateName, grainId, grainState, copier.Copy(grainState.State)!);

    /// <summary>
    /// Writes <paramref name="copy"/>, a copy of <paramref name="grainState"/>'s state that nothing else holds, with
    /// its ETag check. For a writer that copied the state earlier, while its silo was alive: this path uses no
    /// service of any silo, so a write may land after the silo that sent it is gone.
    /// </summary>
    internal static Task WriteCopyAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, object copy)
    {
        var key = (stateName, grainId);
        while (true)
        {
            if (Records.TryGetValue(key, out var current))
            {
                if (grainState.ETag != current.ETag.ToString(CultureInfo.InvariantCulture))
                {
                    Rejections.AddOrUpdate(grainId.Key.ToString()!, 1, (_, n) => n + 1);
                    throw new InconsistentStateException($"ETag mismatch on {grainId}: stored {current.ETag}, written with {grainState.ETag ?? "none"}.");
                }

                if (Records.TryUpdate(key, (copy, current.ETag + 1), current))
                {
                    grainState.ETag = (current.ETag + 1).ToString(CultureInfo.InvariantCulture);
                    break;
                }
            }
            else
            {
                if (grainState.ETag is not null)
                {
                    Rejections.AddOrUpdate(grainId.Key.ToString()!, 1, (_, n) => n + 1);
                    throw new InconsistentStateException($"ETag mismatch on {grainId}: nothing stored, written with {grainState.ETag}.");
                }

                if (Records.TryAdd(key, (copy, 1)))
                {
                    grainState.ETag = "1";
                    break;
                }
            }
        }

        grainState.RecordExists = true;
        Interlocked.Increment(ref s_writes);
        WritesByBarrier.AddOrUpdate(grainId.Key.ToString(), 1, (_, writes) => writes + 1);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Records.TryRemove((stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}

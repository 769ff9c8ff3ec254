using System.Diagnostics;
using Orleans.Storage;

namespace Orleans.Barrier;

/// <summary>
/// The barrier's single writer to grain storage. The grain is reentrant, so while one write is in flight other
/// turns keep changing the machine; they all wait on the same write and the next one stores everything that
/// happened meanwhile (one write per burst, not per change). The storage ETag fences a stale activation: its write
/// fails with <see cref="InconsistentStateException"/> and it must step aside.
/// </summary>
[DebuggerDisplay("stored version {PersistedVersion}")]
internal sealed class BarrierStateWriter(IGrainStorage storage, GrainId grainId)
{
    private const string StateName = "barrier";
    private readonly GrainState<StoredBarrier> _state = new();
    private Task? _inFlight;

    /// <summary>The machine version that storage holds; 0 before the barrier was ever stored.</summary>
    public long PersistedVersion { get; private set; }

    /// <summary>Reads the stored barrier, or null if it was never stored.</summary>
    public async Task<BarrierSnapshot?> ReadAsync()
    {
        await storage.ReadStateAsync(StateName, grainId, _state);
        if (!_state.RecordExists || _state.State is null)
        {
            return null;
        }

        var snapshot = _state.State.ToSnapshot();
        PersistedVersion = snapshot.Version;
        return snapshot;
    }

    /// <summary>Returns once storage holds <paramref name="version"/> or later; <paramref name="takeSnapshot"/> gives the latest state when a write starts.</summary>
    public async Task PersistAsync(long version, Func<BarrierSnapshot> takeSnapshot)
    {
        while (PersistedVersion < version)
        {
            var write = _inFlight ??= WriteLatestAsync(takeSnapshot);
            try
            {
                await write;
            }
            finally
            {
                // Cleared by whoever sees it finish, not inside the write: a write that completes synchronously
                // would otherwise clear the field before it was ever set.
                if (ReferenceEquals(_inFlight, write))
                {
                    _inFlight = null;
                }
            }
        }
    }

    private async Task WriteLatestAsync(Func<BarrierSnapshot> takeSnapshot)
    {
        // Yield first so the turns already queued behind this one join the same write.
        await Task.Yield();
        var snapshot = takeSnapshot();
        _state.State = StoredBarrier.From(snapshot);
        await storage.WriteStateAsync(StateName, grainId, _state);
        PersistedVersion = snapshot.Version;
    }
}

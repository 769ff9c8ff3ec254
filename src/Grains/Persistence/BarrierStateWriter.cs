using System.Diagnostics;
using Orleans.Storage;

namespace Orleans.Barrier;

/// <summary>
/// The barrier's single writer to grain storage. The grain is reentrant, so while one write is in flight other
/// turns keep changing the machine; they all wait on the same write and the next one stores everything that
/// happened meanwhile (one write per burst, not per change). The storage ETag fences a stale activation: its write
/// fails with <see cref="InconsistentStateException"/> and it must step aside.
/// </summary>
/// <remarks>
/// The fence only holds if the live activation has written: an activation that had only read the stored barrier
/// would let a stale one (a silo frozen past being declared dead, then resumed) write over it unseen. So an
/// activation first <see cref="ClaimAsync">claims</see> the stored barrier under the next <see cref="Epoch"/>, before
/// it answers anything.
/// </remarks>
[DebuggerDisplay("stored version {PersistedVersion}, epoch {Epoch}")]
internal sealed class BarrierStateWriter(IGrainStorage storage, GrainId grainId)
{
    private const string StateName = "barrier";

    // Two activations claiming at once (one of them stale) can each fail the other's write at most a few times.
    private const int MaxClaimAttempts = 5;
    private readonly GrainState<StoredBarrier> _state = new();
    private Task? _inFlight;

    /// <summary>The machine version that storage holds; 0 before the barrier was ever stored.</summary>
    public long PersistedVersion { get; private set; }

    /// <summary>
    /// The activation's claim on the stored barrier: one more than the epoch of the activation that claimed it before,
    /// and 1 for the activation that first stores it; 0 while nothing is stored.
    /// </summary>
    public long Epoch { get; private set; }

    /// <summary>
    /// Reads the stored barrier and claims it: writes it back under the next epoch, so that from then on every write
    /// of an earlier activation fails on the ETag. Returns the barrier as claimed, or null if it was never stored
    /// (nothing to claim: the first write then requires that nothing is stored, which fences the same way).
    /// </summary>
    /// <exception cref="InconsistentStateException">Another activation kept writing in between, attempt after attempt.</exception>
    public async Task<BarrierSnapshot?> ClaimAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            await storage.ReadStateAsync(StateName, grainId, _state);
            if (!_state.RecordExists || _state.State is null)
            {
                return null;
            }

            var claimed = _state.State;
            claimed.Epoch = ActivationEpoch.After(claimed.Epoch);
            try
            {
                await storage.WriteStateAsync(StateName, grainId, _state);
            }
            catch (InconsistentStateException) when (attempt < MaxClaimAttempts)
            {
                // Written since the read (by the activation this one replaces, finishing a step): read that and claim it.
                continue;
            }

            Epoch = claimed.Epoch;
            var snapshot = claimed.ToSnapshot();
            PersistedVersion = snapshot.Version;
            return snapshot;
        }
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

        // The first write of a new barrier is its first claim.
        var epoch = Epoch > 0 ? Epoch : ActivationEpoch.After(0);
        _state.State = StoredBarrier.From(snapshot, epoch);
        await storage.WriteStateAsync(StateName, grainId, _state);
        Epoch = epoch;
        PersistedVersion = snapshot.Version;
    }
}

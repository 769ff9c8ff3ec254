using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// The barrier's side of a tiered barrier's shards: the latest activation (epoch) seen of each shard, the eviction
/// of what older activations left waiting, and each shard member's own remembered result for a recall. Bounded by
/// the barrier's shards.
/// </summary>
[DebuggerDisplay("{_latest.Count} shards known")]
internal sealed class ShardEpochs(ArrivalLedger ledger)
{
    private readonly Dictionary<string, long> _latest = new(StringComparer.Ordinal);

    /// <summary>
    /// A shard's arrival: one from an activation older than the latest seen is evicted on sight (that activation is
    /// gone, and its participants re-attached to a newer one); the first from a newer one evicts the waiting arrivals
    /// of older ones, which would otherwise count those participants twice until their leases ran out. Returns the
    /// arrival's result if it was evicted, or null if it may wait.
    /// </summary>
    public ArrivalResult? Supersede(ArrivalId arrival, string shard, long epoch, long phase, DateTimeOffset now, ref List<ArrivalCompletion>? completions)
    {
        if (Announce(shard, epoch, phase, now, ref completions))
        {
            return null;
        }

        var evicted = ArrivalResult.Evicted(phase);
        ledger.Remember(arrival, evicted, now);
        return evicted;
    }

    /// <summary>Records a shard activation's epoch, evicting the waiting arrivals of older ones; false if a newer one is already known.</summary>
    public bool Announce(string shard, long epoch, long phase, DateTimeOffset now, ref List<ArrivalCompletion>? completions)
    {
        var known = _latest.TryGetValue(shard, out var latest);
        if (known && epoch <= latest)
        {
            return epoch == latest;
        }

        _latest[shard] = epoch;
        if (!known)
        {
            return true;
        }

        var superseded = ledger.Waiting.Where(w => w.Terms.Shard == shard && w.Terms.ShardEpoch < epoch).ToList();
        foreach (var waiting in superseded)
        {
            ledger.Remove(waiting.Id);
            var evicted = ArrivalResult.Evicted(phase);
            ledger.Remember(waiting.Id, evicted, now);
            completions ??= [];
            completions.Add(new ArrivalCompletion(waiting.Id, evicted));
        }

        return true;
    }

    /// <summary>Before a release empties the ledger: remembers each shard member's own index under its own arrival id, for a recall.</summary>
    public void RememberMembers(long phase, DateTimeOffset now)
    {
        var position = 0;
        foreach (var waiting in ledger.Waiting)
        {
            if (waiting.MemberIds is { } ids)
            {
                for (var i = 0; i < waiting.Units; i++)
                {
                    ledger.Remember(new ArrivalId(ids[i]), ArrivalResult.Released(position + i, phase), now);
                }
            }

            position += waiting.Units;
        }
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Orleans.Barrier;

/// <summary>
/// The coalescers of one process: one per client or silo (grain factory), barrier and set of terms, shared by every
/// handle on that barrier with those terms. A coalescer with nothing pending drops out, so idle barriers cost nothing.
/// </summary>
internal static class ArrivalCoalescers
{
    private static readonly ConditionalWeakTable<IGrainFactory, ConcurrentDictionary<Key, ArrivalCoalescer>> ByFactory = [];

    /// <summary>The coalescer for arrivals of <paramref name="key"/>'s terms, made by <paramref name="handle"/> if there is none.</summary>
    /// <param name="factory">The client's or silo's grain factory.</param>
    /// <param name="key">The barrier and the terms its arrivals carry.</param>
    /// <param name="handle">A handle on that barrier, which makes the coalescer's poll loop if one is needed.</param>
    public static ArrivalCoalescer For(IGrainFactory factory, in Key key, DistributedBarrier handle)
    {
        var coalescers = ByFactory.GetValue(factory, static _ => new ConcurrentDictionary<Key, ArrivalCoalescer>());
        if (coalescers.TryGetValue(key, out var existing))
        {
            return existing;
        }

        ArrivalCoalescer? created = null;
        var dropped = key;
        created = handle.CreateCoalescer(key, () => coalescers.TryRemove(new KeyValuePair<Key, ArrivalCoalescer>(dropped, created!)));

        // A coalescer that went idle and was dropped while a handle still used it keeps working on its own: two
        // coalescers for one key only coalesce less, never wrongly.
        return coalescers.GetOrAdd(key, created);
    }

    /// <summary>What arrivals must share to be coalesced.</summary>
    /// <param name="Barrier">The barrier's name.</param>
    /// <param name="Parties">Its party count.</param>
    /// <param name="Participant">The name the arrival carries, for unnamed members (a client's); null for named members.</param>
    /// <param name="Lease">The lease every member asked for.</param>
    /// <param name="OnLost">The loss policy every member asked for.</param>
    /// <param name="Silo">The members' silo, for a silo's grains.</param>
    /// <param name="Named">Whether members carry names of their own (grains).</param>
    internal readonly record struct Key(string Barrier, int Parties, string? Participant, TimeSpan? Lease, ParticipantLossPolicy OnLost, string? Silo, bool Named);
}

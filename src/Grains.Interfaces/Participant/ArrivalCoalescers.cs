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

    /// <summary>The coalescer for arrivals of <paramref name="template"/>'s terms at <paramref name="poller"/>'s barrier.</summary>
    /// <param name="factory">The client's or silo's grain factory.</param>
    /// <param name="poller">The poll loop aimed at the barrier.</param>
    /// <param name="template">The terms its arrivals carry.</param>
    /// <param name="named">Whether its members have names of their own (grains).</param>
    public static ArrivalCoalescer For(IGrainFactory factory, ArrivalPoller poller, ArrivalRequest template, bool named)
    {
        var coalescers = ByFactory.GetValue(factory, static _ => new ConcurrentDictionary<Key, ArrivalCoalescer>());
        var key = new Key(poller.Name, poller.Parties, template.Participant, template.Lease, template.OnParticipantLost, template.Silo, named);
        if (coalescers.TryGetValue(key, out var existing))
        {
            return existing;
        }

        ArrivalCoalescer? created = null;
        created = new ArrivalCoalescer(poller, template, named, () => coalescers.TryRemove(new KeyValuePair<Key, ArrivalCoalescer>(key, created!)));

        // A coalescer that went idle and was dropped while a handle still used it keeps working on its own: two
        // coalescers for one key only coalesce less, never wrongly.
        return coalescers.GetOrAdd(key, created);
    }

    private readonly record struct Key(string Barrier, int Parties, string? Participant, TimeSpan? Lease, ParticipantLossPolicy OnLost, string? Silo, bool Named);
}

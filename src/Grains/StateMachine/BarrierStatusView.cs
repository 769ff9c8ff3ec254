namespace Orleans.Barrier;

/// <summary>How a barrier's state reads from outside: the <see cref="BarrierStatus"/> that status calls and operators see.</summary>
internal static class BarrierStatusView
{
    /// <summary>The status of <paramref name="machine"/>, listing at most <paramref name="listLimit"/> waiters and missing participants.</summary>
    public static BarrierStatus Of(BarrierStateMachine machine, ArrivalLedger ledger, IReadOnlyList<ReleasedArrival> lastRelease, int listLimit)
    {
        var broken = machine.State == BarrierState.Broken;
        return new(machine.Name, machine.Parties, ledger.Units, machine.State, machine.Phase)
        {
            Waiters = [.. Waiters(ledger, listLimit).Select(w => w.Waiter)],
            Arrivals = ledger.Count,
            Missing = Missing(ledger, lastRelease, listLimit),
            BrokenReason = broken ? machine.BrokenReason : null,
            LostParticipants = broken ? machine.LostParticipants : [],
        };
    }

    /// <summary>
    /// The waiters as status lists them, oldest first, each with the caller id its silo may be looked up by: a
    /// coalesced arrival with named members is listed member by member, one without once with its count.
    /// </summary>
    public static IEnumerable<(BarrierWaiter Waiter, string? Source)> Waiters(ArrivalLedger ledger, int listLimit)
        => ledger.Waiting
            .SelectMany(w => w.Members is { } members
                ? members.Select(name => (new BarrierWaiter(name, w.Terms.Silo, w.ArrivedAt), w.Terms.Source))
                : [(new BarrierWaiter(w.Terms.Participant, w.Terms.Silo, w.ArrivedAt) { Count = w.Units }, w.Terms.Source)])
            .Take(listLimit);

    /// <summary>Participants of the latest release with no arrival waiting now, in the order of their last index.</summary>
    private static List<string> Missing(ArrivalLedger ledger, IReadOnlyList<ReleasedArrival> lastRelease, int limit)
    {
        var missing = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in lastRelease.SelectMany(member => member.Names))
        {
            if (missing.Count >= limit)
            {
                break;
            }

            if (!ledger.IsNameWaiting(name) && listed.Add(name))
            {
                missing.Add(name);
            }
        }

        return missing;
    }
}

using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// Who is waiting at a barrier and what became of those who waited: the waiting arrivals in arrival order, how many
/// participants they stand for, how many carry each name, and the remembered final results for re-issued polls. It
/// keeps the books only; the rules (<see cref="BarrierStateMachine"/>) decide who is released, broken or evicted.
/// </summary>
[DebuggerDisplay("{Count} arrivals waiting for {Units} participants, {RememberedCount} results remembered")]
internal sealed class ArrivalLedger
{
    private readonly LinkedList<WaitingArrival> _waiting = new();
    private readonly Dictionary<ArrivalId, LinkedListNode<WaitingArrival>> _byId = [];

    // How many waiting arrivals carry each participant name, so "who is missing" is a lookup, not a scan.
    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
    private readonly RememberedResults<ArrivalResult> _finished;

    /// <summary>Creates an empty ledger.</summary>
    /// <param name="resultRetention">How long a final result is remembered for re-issued polls.</param>
    /// <param name="maxRemembered">The most final results remembered at once.</param>
    public ArrivalLedger(TimeSpan resultRetention, int maxRemembered)
        => _finished = new RememberedResults<ArrivalResult>(resultRetention, maxRemembered);

    /// <summary>Participants waiting: the waiting arrivals' units summed (a coalesced arrival stands for several).</summary>
    public int Units { get; private set; }

    /// <summary>Arrivals waiting.</summary>
    public int Count => _waiting.Count;

    /// <summary>The waiting arrivals, oldest first.</summary>
    public IReadOnlyCollection<WaitingArrival> Waiting => _waiting;

    /// <summary>How many final results are remembered.</summary>
    public int RememberedCount => _finished.Count;

    /// <summary>The waiting arrival with id <paramref name="arrival"/>, if it waits.</summary>
    public bool TryGetWaiting(ArrivalId arrival, out WaitingArrival waiting)
    {
        if (_byId.TryGetValue(arrival, out var node))
        {
            waiting = node.Value;
            return true;
        }

        waiting = null!;
        return false;
    }

    /// <summary>Whether <paramref name="arrival"/> is waiting.</summary>
    public bool IsWaiting(ArrivalId arrival) => _byId.ContainsKey(arrival);

    /// <summary>Whether some waiting arrival stands for a participant named <paramref name="name"/>.</summary>
    public bool IsNameWaiting(string name) => _names.ContainsKey(name);

    /// <summary>Adds an arrival at the back of the queue.</summary>
    public void Add(WaitingArrival waiting)
    {
        AssertInvariants();
        _byId.Add(waiting.Id, _waiting.AddLast(waiting));
        Units += waiting.Units;
        CountNames(waiting, 1);
    }

    /// <summary>Removes a waiting arrival (cancelled, evicted or superseded).</summary>
    public void Remove(ArrivalId arrival)
    {
        AssertInvariants();
        if (_byId.Remove(arrival, out var node))
        {
            _waiting.Remove(node);
            Units -= node.Value.Units;
            CountNames(node.Value, -1);
        }
    }

    /// <summary>
    /// Withdraws members of a waiting coalesced arrival, down to <paramref name="terms"/>' units: named members leave
    /// by name (the re-issue lists those who stay), unnamed ones from the back.
    /// </summary>
    public void Shrink(WaitingArrival waiting, ArrivalTerms terms)
    {
        AssertInvariants();
        Debug.Assert(terms.Units < waiting.Units, "Units never grow.");
        Units -= waiting.Units - terms.Units;
        CountNames(waiting, -1);
        waiting.Units = terms.Units;
        waiting.Offered = terms.Units;
        waiting.Members = waiting.Members is { } named ? terms.Members ?? [.. named.Take(terms.Units)] : null;
        waiting.MemberIds = waiting.MemberIds is { } memberIds ? terms.MemberIds ?? [.. memberIds.Take(terms.Units)] : null;
        CountNames(waiting, 1);
    }

    /// <summary>Gives every waiting arrival its final result by its first unit's position in arrival order, remembers it, then empties the queue.</summary>
    public List<ArrivalCompletion> CompleteAll(Func<WaitingArrival, int, ArrivalResult> resultAt, DateTimeOffset now)
    {
        AssertInvariants();
        var completions = new List<ArrivalCompletion>(_waiting.Count);
        var position = 0;
        foreach (var waiting in _waiting)
        {
            var result = resultAt(waiting, position);
            position += waiting.Units;
            completions.Add(new ArrivalCompletion(waiting.Id, result));
            Remember(waiting.Id, result, now);
        }

        Units = 0;
        _waiting.Clear();
        _byId.Clear();
        _names.Clear();
        return completions;
    }

    /// <summary>Remembers a final result for re-issued polls of <paramref name="arrival"/>; the first one stands.</summary>
    public void Remember(ArrivalId arrival, ArrivalResult result, DateTimeOffset now)
    {
        Debug.Assert(result.IsFinal, "Only final results are remembered.");
        _finished.Remember(arrival, result, now);
    }

    /// <summary>
    /// Remembers each member of a stored release with its index again, for a new activation's re-issued polls, and each
    /// shard member's own index under its own id, for its recall.
    /// </summary>
    public void RememberRelease(IReadOnlyList<ReleasedArrival> release, long phase, DateTimeOffset now)
    {
        var index = 0;
        foreach (var member in release)
        {
            Remember(member.Arrival, ArrivalResult.Released(index, phase, member.Units, member.Offered), now);
            if (member.MemberIds is { } ids)
            {
                for (var i = 0; i < ids.Count; i++)
                {
                    Remember(new ArrivalId(ids[i]), ArrivalResult.Released(index + i, phase), now);
                }
            }

            index += member.Units;
        }
    }

    /// <summary>The remembered final result of <paramref name="arrival"/>, if any.</summary>
    public bool TryGetFinished(ArrivalId arrival, out ArrivalResult result) => _finished.TryGet(arrival, out result);

    /// <summary>Forgets final results older than the retention.</summary>
    public void ForgetExpired(DateTimeOffset now) => _finished.ForgetExpired(now);

    // Not through WaitingArrival.Names: an arrival without members (nearly all) would allocate a list on every arrival.
    private void CountNames(WaitingArrival waiting, int by)
    {
        if (waiting.Members is null)
        {
            CountName(waiting.Terms.Participant, by);
            return;
        }

        foreach (var name in waiting.Members)
        {
            CountName(name, by);
        }
    }

    private void CountName(string name, int by)
    {
        var count = _names.GetValueOrDefault(name) + by;
        if (count == 0)
        {
            _names.Remove(name);
        }
        else
        {
            _names[name] = count;
        }
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_waiting.Count == _byId.Count, "The queue and its index agree.");
        Debug.Assert(Units >= _waiting.Count, "Every waiting arrival stands for at least one participant.");
    }
}

namespace Orleans.Barrier.Tests.Model;

/// <summary>
/// A reference model of the barrier rules, written to be obviously right rather than fast: plain lists, linear
/// scans, no deadline queue, no lazy deletion, no index by id. <see cref="ModelTests"/> runs it side by side with
/// <see cref="BarrierStateMachine"/> and requires the same answers.
/// </summary>
/// <remarks>
/// The rules, in the order a step applies them:
/// <list type="number">
/// <item>Final results older than the retention are forgotten (every step but status and rebuild).</item>
/// <item>Arrive, cancel and advance apply every deadline that has passed, earliest first: a timeout breaks the
/// barrier (reason Timeout) unless a lease ran out before it; a lease that ran out evicts its arrival (policy
/// Evict) or marks its participant lost (policy Break), and if any participant was lost the barrier breaks with
/// ParticipantLost naming each lost participant once.</item>
/// <item>Then the step itself: a waiting arrival is renewed, a remembered one gets its result again, and so on.</item>
/// </list>
/// Where the machine's choice is not part of the contract (the order of lost names, the order of completions) the
/// test compares without order.
/// </remarks>
internal sealed class BarrierModel(int parties, TimeSpan retention)
{
    private readonly List<Waiter> _waiting = [];
    private readonly Dictionary<ArrivalId, (ArrivalResult Result, DateTimeOffset At)> _remembered = [];
    private readonly Dictionary<ArrivalId, int> _timesForgotten = [];
    private List<(ArrivalId Arrival, string Participant, int Units, int Offered)> _lastRelease = [];
    private BrokenBarrierReason _reason;
    private List<string> _lost = [];
    private HashSet<ArrivalId> _lostInRebuild = [];

    public int Parties { get; } = parties;

    public long Phase { get; private set; }

    public long Version { get; private set; } = 1;

    public bool IsBroken { get; private set; }

    public BrokenBarrierReason? BrokenReason => IsBroken ? _reason : null;

    public IReadOnlyList<string> LostParticipants => IsBroken ? _lost : [];

    public IEnumerable<ArrivalId> WaitingArrivals => _waiting.Select(w => w.Id);

    /// <summary>Participants waiting: every waiting arrival's units summed.</summary>
    public int WaitingParticipants => _waiting.Sum(w => w.Units);

    public int RememberedResults => _remembered.Count;

    /// <summary>How often the model dropped a final result of this arrival (retention or rebuild); a new answer after that is allowed.</summary>
    public int TimesForgotten(ArrivalId arrival) => _timesForgotten.GetValueOrDefault(arrival);

    /// <summary>Whether the arrival was waiting when the latest rebuild dropped the waiting arrivals.</summary>
    public bool WasWaitingWhenLastRebuilt(ArrivalId arrival) => _lostInRebuild.Contains(arrival);

    public DateTimeOffset? NextDeadline
        => _waiting.SelectMany(w => new[] { w.TimeoutAt, w.LeaseExpiresAt }).Where(d => d is not null).Min();

    public IEnumerable<BarrierWaiter> Waiters => _waiting.Select(w => new BarrierWaiter(w.Participant, null, w.ArrivedAt) { Count = w.Units });

    /// <summary>Participants of the latest release, once each, in index order, that have no arrival waiting.</summary>
    public IEnumerable<string> Missing
        => _lastRelease.Select(m => m.Participant).Distinct().Where(p => !_waiting.Any(w => w.Participant == p));

    public ModelStep Arrive(ArrivalId arrival, ArrivalTerms terms, DateTimeOffset now, bool mustBeKnown)
    {
        Forget(now);
        var completed = ApplyOverdue(now);
        var waiting = _waiting.Find(w => w.Id == arrival);
        if (waiting is not null)
        {
            if (Finite(waiting.Lease) is { } lease)
            {
                waiting.LeaseExpiresAt = now + lease;
            }

            // Fewer units withdraw the difference; more never add any.
            if (terms.Units < waiting.Units)
            {
                waiting.Units = terms.Units;
                waiting.Offered = terms.Units;
            }

            return new(ArrivalResult.Pending(Phase), completed);
        }

        if (_remembered.TryGetValue(arrival, out var remembered))
        {
            return new(remembered.Result, completed);
        }

        if (mustBeKnown)
        {
            return new(ArrivalResult.Unknown(Phase), completed);
        }

        if (IsBroken)
        {
            Remember(arrival, BrokenResult(), now);
            return new(BrokenResult(), completed);
        }

        // More units than the party lacks: the release takes what fits, the rest are not counted.
        var arriving = new Waiter(arrival, terms.Participant, now, now + Finite(terms.Timeout), terms.Lease, terms.OnLost)
        {
            LeaseExpiresAt = now + Finite(terms.Lease),
            Units = Math.Min(terms.Units, Parties - WaitingParticipants),
            Offered = terms.Units,
        };
        _waiting.Add(arriving);
        if (WaitingParticipants == Parties)
        {
            Phase++;
            Version++;
            _lastRelease = [.. _waiting.Select(w => (w.Id, w.Participant, w.Units, w.Offered))];
            var index = 0;
            foreach (var member in _waiting)
            {
                Complete(completed, member, ArrivalResult.Released(index, Phase, member.Units, member.Offered), now);
                index += member.Units;
            }

            _waiting.Clear();
            return new(completed[arrival], completed);
        }

        if (arriving.TimeoutAt <= now)
        {
            Break(completed, BrokenBarrierReason.Timeout, [], now);
            return new(BrokenResult(), completed);
        }

        return new(ArrivalResult.Pending(Phase), completed);
    }

    public ModelStep Cancel(ArrivalId arrival, DateTimeOffset now)
    {
        Forget(now);
        var completed = ApplyOverdue(now);
        var waiting = _waiting.Find(w => w.Id == arrival);
        if (waiting is not null)
        {
            _waiting.Remove(waiting);
            Complete(completed, waiting, ArrivalResult.Cancelled(Phase), now);
            return new(completed[arrival], completed);
        }

        if (!_remembered.ContainsKey(arrival))
        {
            Remember(arrival, ArrivalResult.Cancelled(Phase), now);
        }

        return new(_remembered[arrival].Result, completed);
    }

    public ModelStep Reset(DateTimeOffset now)
    {
        Forget(now);
        var completed = new Dictionary<ArrivalId, ArrivalResult>();
        foreach (var waiting in _waiting)
        {
            Complete(completed, waiting, ArrivalResult.Broken(BrokenBarrierReason.Reset, Phase), now);
        }

        _waiting.Clear();
        IsBroken = false;
        _lost = [];
        Version++;
        return new(ArrivalResult.Pending(Phase), completed);
    }

    public ModelStep Abort(DateTimeOffset now)
    {
        Forget(now);
        var completed = new Dictionary<ArrivalId, ArrivalResult>();
        Break(completed, BrokenBarrierReason.Aborted, [], now);
        return new(ArrivalResult.Pending(Phase), completed);
    }

    public ModelStep AdvanceTime(DateTimeOffset now)
    {
        Forget(now);
        return new(ArrivalResult.Pending(Phase), ApplyOverdue(now));
    }

    /// <summary>
    /// What a new activation restored from storage knows: everything but the waiting arrivals and the remembered
    /// results, except that the latest release's members are remembered afresh from <paramref name="now"/>.
    /// </summary>
    public void Rebuild(DateTimeOffset now)
    {
        _lostInRebuild = [.. _waiting.Select(w => w.Id)];
        _waiting.Clear();
        var before = _remembered.ToDictionary(r => r.Key, r => r.Value.Result);
        _remembered.Clear();
        var index = 0;
        foreach (var member in _lastRelease)
        {
            Remember(member.Arrival, ArrivalResult.Released(index, Phase, member.Units, member.Offered), now);
            index += member.Units;
        }

        // Every result the new incarnation does not give again is forgotten (the latest release's are given again).
        foreach (var (arrival, result) in before)
        {
            if (!_remembered.TryGetValue(arrival, out var kept) || kept.Result != result)
            {
                _timesForgotten[arrival] = TimesForgotten(arrival) + 1;
            }
        }
    }

    private Dictionary<ArrivalId, ArrivalResult> ApplyOverdue(DateTimeOffset now)
    {
        var completed = new Dictionary<ArrivalId, ArrivalResult>();
        var lost = new List<string>();
        while (EarliestPassed(now) is { } due)
        {
            if (due.Kind == DeadlineKind.Timeout)
            {
                // The earliest cause names the break.
                if (lost.Count == 0)
                {
                    Break(completed, BrokenBarrierReason.Timeout, [], now);
                    return completed;
                }

                break;
            }

            due.Waiter.LeaseExpiresAt = null;
            if (due.Waiter.OnLost == ParticipantLossPolicy.Evict)
            {
                _waiting.Remove(due.Waiter);
                Complete(completed, due.Waiter, ArrivalResult.Evicted(Phase), now);
            }
            else if (!lost.Contains(due.Waiter.Participant))
            {
                lost.Add(due.Waiter.Participant);
            }
        }

        if (lost.Count > 0)
        {
            Break(completed, BrokenBarrierReason.ParticipantLost, lost, now);
        }

        return completed;
    }

    /// <summary>The earliest timeout or unspent lease among the waiters that has passed by <paramref name="now"/>.</summary>
    private (Waiter Waiter, DeadlineKind Kind, DateTimeOffset At)? EarliestPassed(DateTimeOffset now)
    {
        var passed = _waiting
            .SelectMany(w => new[] { (Waiter: w, Kind: DeadlineKind.Timeout, At: w.TimeoutAt), (Waiter: w, Kind: DeadlineKind.Lease, At: w.LeaseExpiresAt) })
            .Where(d => d.At <= now)
            .Select(d => (d.Waiter, d.Kind, At: d.At!.Value))
            .OrderBy(d => d.At)
            .ToList();
        if (passed.Count == 0)
        {
            return null;
        }

        // Which of a timeout and a lease at the same instant comes first is not specified; the generator avoids it.
        if (passed.Count > 1 && passed[1].At == passed[0].At && passed[1].Kind != passed[0].Kind)
        {
            throw new InvalidOperationException($"A timeout and a lease both run out at {passed[0].At:O}: the model cannot say which comes first.");
        }

        return passed[0];
    }

    private void Break(Dictionary<ArrivalId, ArrivalResult> completed, BrokenBarrierReason reason, List<string> lost, DateTimeOffset now)
    {
        IsBroken = true;
        _reason = reason;
        _lost = lost;
        Version++;
        foreach (var waiting in _waiting)
        {
            Complete(completed, waiting, BrokenResult(), now);
        }

        _waiting.Clear();
    }

    private ArrivalResult BrokenResult()
        => ArrivalResult.Broken(_reason, Phase, _reason == BrokenBarrierReason.ParticipantLost ? _lost : null);

    private void Complete(Dictionary<ArrivalId, ArrivalResult> completed, Waiter waiter, ArrivalResult result, DateTimeOffset now)
    {
        completed.Add(waiter.Id, result);
        Remember(waiter.Id, result, now);
    }

    private void Remember(ArrivalId arrival, ArrivalResult result, DateTimeOffset now) => _remembered.TryAdd(arrival, (result, now));

    private void Forget(DateTimeOffset now)
    {
        foreach (var (arrival, remembered) in _remembered.ToList())
        {
            if (now - remembered.At > retention)
            {
                _remembered.Remove(arrival);
                _timesForgotten[arrival] = TimesForgotten(arrival) + 1;
            }
        }
    }

    /// <summary>A span that runs out, or null for none (no limit, or infinite).</summary>
    private static TimeSpan? Finite(TimeSpan? span) => span == Timeout.InfiniteTimeSpan ? null : span;

    private sealed class Waiter(ArrivalId id, string participant, DateTimeOffset arrivedAt, DateTimeOffset? timeoutAt, TimeSpan? lease, ParticipantLossPolicy onLost)
    {
        public ArrivalId Id { get; } = id;

        public string Participant { get; } = participant;

        public DateTimeOffset ArrivedAt { get; } = arrivedAt;

        public DateTimeOffset? TimeoutAt { get; } = timeoutAt;

        public TimeSpan? Lease { get; } = lease;

        public ParticipantLossPolicy OnLost { get; } = onLost;

        /// <summary>How many participants it stands for now.</summary>
        public int Units { get; set; } = 1;

        /// <summary>How many it brought (after withdrawals): more than <see cref="Units"/> only if the release could take just part of it.</summary>
        public int Offered { get; set; } = 1;

        /// <summary>When the lease runs out unless renewed; null for no lease or once it ran out.</summary>
        public DateTimeOffset? LeaseExpiresAt { get; set; }
    }
}

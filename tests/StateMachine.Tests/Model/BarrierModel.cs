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
/// ParticipantLost naming each lost participant once (every member of an arrival that has members).</item>
/// <item>Then the step itself: a waiting arrival is renewed, a remembered one gets its result again, and so on.</item>
/// </list>
/// Shards of a tiered barrier: the model keeps the newest epoch it has seen of each shard. A new arrival from an
/// older epoch is evicted on sight; one from a newer epoch (or a recall by one) first evicts the arrivals that
/// older epochs left waiting. A release remembers each shard member's own index under the member's id, which is
/// what a recall answers (unknown if there is none: the member joins the next arrival). A crash forgets the epochs,
/// and the members' indices but those of the latest release, which is stored with them. A report of lost members is refused, changing nothing, if the waiting arrival it names
/// evicts its lost members or does not stand for one of the names; otherwise it breaks the barrier naming exactly
/// them, unless a deadline or a release came first.
/// Where the machine's choice is not part of the contract (the order of lost names, the order of completions) the
/// test compares without order.
/// </remarks>
internal sealed class BarrierModel(int parties, TimeSpan retention)
{
    private readonly List<Waiter> _waiting = [];
    private readonly Dictionary<ArrivalId, (ArrivalResult Result, DateTimeOffset At)> _remembered = [];
    private readonly Dictionary<ArrivalId, int> _timesForgotten = [];
    private readonly Dictionary<string, long> _newestEpoch = [];
    private List<(ArrivalId Arrival, IReadOnlyList<string> Names, int Units, int Offered, IReadOnlyList<Guid>? MemberIds)> _lastRelease = [];
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

    /// <summary>Status lists an arrival with members member by member, any other once with its count.</summary>
    public IEnumerable<BarrierWaiter> Waiters => _waiting.SelectMany(w => w.Members is null
        ? [new BarrierWaiter(w.Participant, null, w.ArrivedAt) { Count = w.Units }]
        : w.Members.Select(name => new BarrierWaiter(name, null, w.ArrivedAt)));

    /// <summary>Names in the latest release, once each, in index order, that no waiting arrival stands for.</summary>
    public IEnumerable<string> Missing
        => _lastRelease.SelectMany(m => m.Names).Distinct().Where(p => !_waiting.Any(w => w.Names.Contains(p)));

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

            // Fewer units withdraw the difference (the re-issue lists the members who stay); more never add any.
            if (terms.Units < waiting.Units)
            {
                waiting.Units = terms.Units;
                waiting.Offered = terms.Units;
                waiting.Members = terms.Members?.ToList();
                waiting.MemberIds = terms.MemberIds?.ToList();
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

        var fired = ModelRules.None;
        if (terms.Shard is { } shard)
        {
            if (!Announce(shard, terms.ShardEpoch, completed, now, ref fired))
            {
                Remember(arrival, ArrivalResult.Evicted(Phase), now);
                return new(ArrivalResult.Evicted(Phase), completed) { Fired = fired | ModelRules.EvictedOnSight };
            }
        }

        // More units than the party lacks: the release takes what fits (the first members), the rest are not counted.
        var room = Parties - WaitingParticipants;
        var arriving = new Waiter(arrival, terms.Participant, now, now + Finite(terms.Timeout), terms.Lease, terms.OnLost, terms.Shard, terms.ShardEpoch)
        {
            LeaseExpiresAt = now + Finite(terms.Lease),
            Units = Math.Min(terms.Units, room),
            Offered = terms.Units,
            Members = terms.Members?.Take(room).ToList(),
            MemberIds = terms.MemberIds?.Take(room).ToList(),
        };
        _waiting.Add(arriving);
        if (WaitingParticipants == Parties)
        {
            Phase++;
            Version++;
            _lastRelease = [.. _waiting.Select(w => (w.Id, w.Names, w.Units, w.Offered, (IReadOnlyList<Guid>?)w.MemberIds?.Take(w.Units).ToList()))];
            var index = 0;
            foreach (var member in _waiting)
            {
                Complete(completed, member, ArrivalResult.Released(index, Phase, member.Units, member.Offered), now);

                // A shard's members get their own indices too, for a recall by the shard's next activation.
                for (var i = 0; i < (member.MemberIds?.Count ?? 0); i++)
                {
                    Remember(new ArrivalId(member.MemberIds![i]), ArrivalResult.Released(index + i, Phase), now);
                }

                index += member.Units;
            }

            _waiting.Clear();
            return new(completed[arrival], completed) { Fired = fired };
        }

        if (arriving.TimeoutAt <= now)
        {
            Break(completed, BrokenBarrierReason.Timeout, [], now);
            return new(BrokenResult(), completed) { Fired = fired };
        }

        return new(ArrivalResult.Pending(Phase), completed) { Fired = fired };
    }

    /// <summary>
    /// A shard's next activation asks after a member: its epoch first retires older ones (as an arrival from it
    /// would), then the answer is the member's own remembered index, or unknown (the member joins its arrivals).
    /// </summary>
    public ModelStep Recall(ArrivalId member, string shard, long epoch, DateTimeOffset now)
    {
        Forget(now);
        var completed = ApplyOverdue(now);
        var fired = ModelRules.None;
        Announce(shard, epoch, completed, now, ref fired);
        if (_remembered.TryGetValue(member, out var remembered))
        {
            return new(remembered.Result, completed) { Fired = fired | ModelRules.RecallRemembered };
        }

        return new(ArrivalResult.Unknown(Phase), completed) { Fired = fired | ModelRules.RecallJoins };
    }

    /// <summary>
    /// Members of a waiting arrival reported lost where they waited. Refused, with nothing changed, if the arrival
    /// waits and evicts its lost members or does not stand for every name; otherwise any deadline that passed comes
    /// first, and if the arrival still waits the barrier breaks naming exactly the reported members.
    /// </summary>
    public ModelStep Lose(ArrivalId arrival, IReadOnlyList<string> lost, DateTimeOffset now)
    {
        // A report naming nobody is malformed whatever the barrier's state.
        if (lost.Count == 0)
        {
            return new(ArrivalResult.Pending(Phase), new Dictionary<ArrivalId, ArrivalResult>()) { Refused = true };
        }

        Forget(now);
        var reported = _waiting.Find(w => w.Id == arrival);
        if (reported is not null && (reported.OnLost == ParticipantLossPolicy.Evict || lost.Any(name => !reported.Names.Contains(name))))
        {
            var why = reported.OnLost == ParticipantLossPolicy.Evict ? ModelRules.LoseRefusedForEvict : ModelRules.LoseRefusedForStranger;
            return new(ArrivalResult.Pending(Phase), new Dictionary<ArrivalId, ArrivalResult>()) { Refused = true, Fired = why };
        }

        var completed = ApplyOverdue(now);
        if (reported is not null && _waiting.Contains(reported))
        {
            Break(completed, BrokenBarrierReason.ParticipantLost, [.. lost.Distinct()], now);
            return new(BrokenResult(), completed) { Fired = ModelRules.LoseBroke };
        }

        if (_remembered.TryGetValue(arrival, out var remembered))
        {
            return new(remembered.Result, completed) { Fired = ModelRules.LoseAfterFinal };
        }

        return new(ArrivalResult.Unknown(Phase), completed);
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

        // The shards' epochs are not stored; the latest release is, with its shard members' own ids, so its arrivals and
        // their members are remembered again (a root and a shard dying together never count a member twice).
        _newestEpoch.Clear();
        var before = _remembered.ToDictionary(r => r.Key, r => r.Value.Result);
        _remembered.Clear();
        var index = 0;
        foreach (var member in _lastRelease)
        {
            Remember(member.Arrival, ArrivalResult.Released(index, Phase, member.Units, member.Offered), now);
            for (var i = 0; i < (member.MemberIds?.Count ?? 0); i++)
            {
                Remember(new ArrivalId(member.MemberIds![i]), ArrivalResult.Released(index + i, Phase), now);
            }

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
            else
            {
                foreach (var name in due.Waiter.Names.Where(name => !lost.Contains(name)).Distinct().ToList())
                {
                    lost.Add(name);
                }
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

    /// <summary>
    /// Records that an activation (epoch) of <paramref name="shard"/> spoke: false if a newer one already had; a newer
    /// one than any before evicts what the older ones left waiting, since their members re-attached to it.
    /// </summary>
    private bool Announce(string shard, long epoch, Dictionary<ArrivalId, ArrivalResult> completed, DateTimeOffset now, ref ModelRules fired)
    {
        if (_newestEpoch.TryGetValue(shard, out var newest) && epoch < newest)
        {
            return false;
        }

        _newestEpoch[shard] = epoch;
        foreach (var stale in _waiting.Where(w => w.Shard == shard && w.Epoch < epoch).ToList())
        {
            _waiting.Remove(stale);
            Complete(completed, stale, ArrivalResult.Evicted(Phase), now);
            fired |= ModelRules.Superseded;
        }

        return true;
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

    private sealed class Waiter(ArrivalId id, string participant, DateTimeOffset arrivedAt, DateTimeOffset? timeoutAt, TimeSpan? lease, ParticipantLossPolicy onLost, string? shard, long epoch)
    {
        public ArrivalId Id { get; } = id;

        public string Participant { get; } = participant;

        public DateTimeOffset ArrivedAt { get; } = arrivedAt;

        public DateTimeOffset? TimeoutAt { get; } = timeoutAt;

        public TimeSpan? Lease { get; } = lease;

        public ParticipantLossPolicy OnLost { get; } = onLost;

        /// <summary>The shard that sent it, or null.</summary>
        public string? Shard { get; } = shard;

        /// <summary>The activation of <see cref="Shard"/> that sent it.</summary>
        public long Epoch { get; } = epoch;

        /// <summary>Its members' names, one per unit, when they have their own; otherwise null.</summary>
        public List<string>? Members { get; set; }

        /// <summary>Its members' own arrival ids, one per unit, for a shard's arrival; otherwise null.</summary>
        public List<Guid>? MemberIds { get; set; }

        /// <summary>Whom it stands for: each member, or its participant once.</summary>
        public IReadOnlyList<string> Names => Members ?? [Participant];

        /// <summary>How many participants it stands for now.</summary>
        public int Units { get; set; } = 1;

        /// <summary>How many it brought (after withdrawals): more than <see cref="Units"/> only if the release could take just part of it.</summary>
        public int Offered { get; set; } = 1;

        /// <summary>When the lease runs out unless renewed; null for no lease or once it ran out.</summary>
        public DateTimeOffset? LeaseExpiresAt { get; set; }
    }
}

using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// The rules of one barrier (<c>asyncio.Barrier</c> semantics, plus leases) as a plain class: arrivals,
/// cancellations, resets, aborts and the passage of time go in; decisions come out as <see cref="BarrierTransition"/>s.
/// It owns no timers, threads, clocks or storage: callers pass <c>now</c>, act on the completions it returns, and
/// store a <see cref="Snapshot"/> whenever <see cref="Version"/> moves. Not thread-safe; the barrier grain's
/// single-threaded turns are its only caller.
/// </summary>
/// <remarks>
/// Invariants between calls: <see cref="State"/> is <see cref="BarrierState.Filling"/> or
/// <see cref="BarrierState.Broken"/> (a release or reset finishes inside the call that starts it); fewer than
/// <see cref="Parties"/> arrivals wait; nothing waits while broken; and an arrival id is either waiting, or
/// remembered with its final result, or unknown. <see cref="Version"/> moves exactly when the stored part
/// (<see cref="BarrierSnapshot"/>) changes.
/// </remarks>
[DebuggerDisplay("{Name,nq}: {State} {Waiting}/{Parties}, phase {Phase}")]
internal sealed class BarrierStateMachine
{
    private static readonly ArrivalCompletion[] NoCompletions = [];
    private readonly LinkedList<WaitingArrival> _waiting = new();
    private readonly Dictionary<ArrivalId, LinkedListNode<WaitingArrival>> _waitingById = [];

    // How many waiting arrivals carry each participant name, so "who is missing" is a lookup, not a scan.
    private readonly Dictionary<string, int> _waitingNames = new(StringComparer.Ordinal);

    // Participants waiting: the waiting arrivals' units summed (a coalesced arrival stands for several).
    private int _waitingUnits;
    private readonly DeadlineSchedule _deadlines = new();
    private readonly Func<ScheduledDeadline, bool> _isCurrentDeadline;

    // Final results stay here for a while so that a re-issued poll whose previous answer was lost in transit
    // still gets its index instead of counting as a new arrival.
    private readonly Dictionary<ArrivalId, ArrivalResult> _finished = [];
    private readonly Queue<(ArrivalId Arrival, DateTimeOffset FinishedAt)> _finishedOrder = new();
    private readonly TimeSpan _resultRetention;

    // Retention alone would let memory grow with throughput (a barrier doing 15,000 arrivals/s remembers 1.8 million
    // results over two minutes). A re-issued poll only needs recent results, so keep at most this many: always the
    // whole latest release, since it is at least twice the party count.
    private readonly int _maxRemembered;

    private BrokenBarrierReason _brokenReason;
    private IReadOnlyList<string> _lostParticipants = [];
    private IReadOnlyList<ReleasedArrival> _lastRelease = [];

    // The latest activation (epoch) seen of each shard that sent arrivals; bounded by the barrier's shards.
    private readonly Dictionary<string, long> _shardEpochs = new(StringComparer.Ordinal);

    /// <summary>Creates an empty, filling barrier.</summary>
    /// <param name="name">The barrier's name, for status reports.</param>
    /// <param name="parties">Arrivals per release; at least 1.</param>
    /// <param name="resultRetention">How long a final result is remembered for re-issued polls.</param>
    public BarrierStateMachine(string name, int parties, TimeSpan resultRetention)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(resultRetention, TimeSpan.Zero);
        Name = name;
        Parties = parties;
        _resultRetention = resultRetention;
        _maxRemembered = Math.Max(2 * parties, MinRemembered);
        _isCurrentDeadline = IsCurrent;
    }

    /// <summary>The fewest final results remembered (if still within retention), however small the party count.</summary>
    public const int MinRemembered = 1024;

    /// <summary>The barrier's name.</summary>
    public string Name { get; }

    /// <summary>Arrivals per release.</summary>
    public int Parties { get; }

    /// <summary>Filling or broken, between calls.</summary>
    public BarrierState State { get; private set; } = BarrierState.Filling;

    /// <summary>How many releases have happened.</summary>
    public long Phase { get; private set; }

    /// <summary>Counts changes to the stored part; 1 for a new barrier, which has not been stored yet.</summary>
    public long Version { get; private set; } = 1;

    /// <summary>Participants waiting in the current phase: each waiting arrival counts as many as its units.</summary>
    public int Waiting => _waitingUnits;

    /// <summary>Arrivals waiting in the current phase; fewer than <see cref="Waiting"/> when some are coalesced.</summary>
    public int WaitingArrivalCount => _waiting.Count;

    /// <summary>Why the barrier is broken; meaningful only while <see cref="State"/> is broken.</summary>
    public BrokenBarrierReason BrokenReason => _brokenReason;

    /// <summary>The participants whose lost leases broke the barrier; empty unless it is broken for that reason.</summary>
    public IReadOnlyList<string> LostParticipants => _lostParticipants;

    /// <summary>The earliest moment a waiting arrival times out or its lease runs out, or <see langword="null"/> if none can.</summary>
    public DateTimeOffset? NextDeadline => _deadlines.TryPeek(_isCurrentDeadline, out var next) ? next.At : null;

    /// <summary>Deadline entries queued, stale ones included; stays proportional to <see cref="Waiting"/> however often leases are renewed.</summary>
    public int ScheduledDeadlines => _deadlines.Count;

    /// <summary>How many final results are remembered for re-issued polls.</summary>
    public int RememberedResults => _finished.Count;

    /// <summary>The waiting arrivals, oldest first.</summary>
    public IEnumerable<ArrivalId> WaitingArrivals => _waiting.Select(w => w.Id);

    /// <summary>The waiting arrivals with their terms, oldest first.</summary>
    public IEnumerable<WaitingArrival> Waiters => _waiting;

    /// <summary>Rebuilds a barrier from its stored part. Its arrivals re-attach by themselves; members of the latest release get their index again.</summary>
    /// <param name="name">The barrier's name.</param>
    /// <param name="snapshot">What was stored.</param>
    /// <param name="resultRetention">How long a final result is remembered for re-issued polls.</param>
    /// <param name="now">The current time, from which the restored results are remembered.</param>
    public static BarrierStateMachine Restore(string name, BarrierSnapshot snapshot, TimeSpan resultRetention, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var machine = new BarrierStateMachine(name, snapshot.Parties, resultRetention)
        {
            Phase = snapshot.Phase,
            Version = snapshot.Version,
            _lastRelease = snapshot.LastRelease,
        };

        if (snapshot.BrokenReason is { } reason)
        {
            machine.State = BarrierState.Broken;
            machine._brokenReason = reason;
            machine._lostParticipants = snapshot.LostParticipants;
        }

        var index = 0;
        foreach (var member in snapshot.LastRelease)
        {
            machine.Remember(member.Arrival, ArrivalResult.Released(index, snapshot.Phase, member.Units, member.Offered), now);
            index += member.Units;
        }

        return machine;
    }

    /// <summary>The stored part, as of now.</summary>
    public BarrierSnapshot Snapshot() => new(
        Parties,
        Phase,
        State == BarrierState.Broken ? _brokenReason : null,
        State == BarrierState.Broken ? _lostParticipants : [],
        _lastRelease,
        Version);

    /// <summary>An anonymous arrival with only a timeout; see <see cref="Arrive(ArrivalId, ArrivalTerms, DateTimeOffset, bool)"/>.</summary>
    public BarrierTransition Arrive(ArrivalId arrival, TimeSpan? timeout, DateTimeOffset now, bool mustBeKnown = false)
        => Arrive(arrival, ArrivalTerms.WithTimeout(timeout), now, mustBeKnown);

    /// <summary>
    /// An arrival, or a re-issue of one. Idempotent per <paramref name="arrival"/>: a waiting arrival stays
    /// pending (and its lease is renewed), a finished one gets its remembered result. A re-issue with fewer units
    /// than the waiting arrival has withdraws the difference (members of a coalesced arrival that were cancelled);
    /// units never grow, so re-issues may arrive in any order.
    /// </summary>
    /// <param name="arrival">The arrival's id.</param>
    /// <param name="terms">Its name, timeout, lease, loss policy and units; only the first arrival's terms count.</param>
    /// <param name="now">The current time.</param>
    /// <param name="mustBeKnown">
    /// The caller has been answered by this barrier before: if the arrival is neither waiting nor remembered,
    /// answer <see cref="ArrivalOutcomeKind.Unknown"/> instead of counting it again.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">The terms' units are not between 1 and <see cref="Parties"/>.</exception>
    public BarrierTransition Arrive(ArrivalId arrival, ArrivalTerms terms, DateTimeOffset now, bool mustBeKnown = false)
    {
        AssertInvariants();
        if (terms.Units < 1 || terms.Units > Parties)
        {
            throw new ArgumentOutOfRangeException(nameof(terms), terms.Units, $"An arrival stands for 1 to {Parties} participants (the party count); got {terms.Units}.");
        }

        if (terms.Members is { } members && members.Count != terms.Units)
        {
            throw new ArgumentException($"A coalesced arrival of {terms.Units} participants names {members.Count}; it must name each once.", nameof(terms));
        }

        if (terms.MemberIds is { } ids && ids.Count != terms.Units)
        {
            throw new ArgumentException($"A coalesced arrival of {terms.Units} participants carries {ids.Count} member ids; it must carry one each.", nameof(terms));
        }

        ForgetExpiredResults(now);

        // A deadline that passed before its timer fired still wins: this arrival must not complete a party
        // that should already have broken, nor count a participant whose lease has already run out.
        var overdue = ApplyOverdue(now);
        if (_waitingById.TryGetValue(arrival, out var node))
        {
            Renew(node.Value, now);
            if (terms.Units < node.Value.Units)
            {
                // Named members leave by name: the re-issue lists those who stay.
                _waitingUnits -= node.Value.Units - terms.Units;
                ForgetNames(node.Value);
                node.Value.Units = terms.Units;
                node.Value.Offered = terms.Units;
                node.Value.Members = node.Value.Members is { } named ? terms.Members ?? [.. named.Take(terms.Units)] : null;
                node.Value.MemberIds = node.Value.MemberIds is { } memberIds ? terms.MemberIds ?? [.. memberIds.Take(terms.Units)] : null;
                CountNames(node.Value);
            }

            return new BarrierTransition(ArrivalResult.Pending(Phase), Completed(overdue));
        }

        if (_finished.TryGetValue(arrival, out var finished))
        {
            return new BarrierTransition(finished, Completed(overdue));
        }

        if (mustBeKnown)
        {
            return new BarrierTransition(ArrivalResult.Unknown(Phase), Completed(overdue));
        }

        if (State == BarrierState.Broken)
        {
            var broken = BrokenResult();
            Remember(arrival, broken, now);
            return new BarrierTransition(broken, Completed(overdue));
        }

        if (terms.Shard is { } shard && Supersede(arrival, shard, terms.ShardEpoch, now, ref overdue) is { } stale)
        {
            return new BarrierTransition(stale, Completed(overdue));
        }

        return ArriveAndWait(arrival, terms, now, overdue);
    }

    /// <summary>
    /// Removes a waiting arrival. If the arrival already has a final result (a release or break won the race),
    /// returns that result instead; an arrival never heard of is reported cancelled.
    /// </summary>
    public BarrierTransition Cancel(ArrivalId arrival, DateTimeOffset now)
    {
        AssertInvariants();
        ForgetExpiredResults(now);

        // An overdue deadline applies first, so the arrival then answers with that break or eviction.
        var overdue = ApplyOverdue(now);
        if (_waitingById.TryGetValue(arrival, out var node))
        {
            RemoveWaiting(node);
            var cancelled = ArrivalResult.Cancelled(Phase);
            Remember(arrival, cancelled, now);
            overdue ??= [];
            overdue.Add(new ArrivalCompletion(arrival, cancelled));
            return new BarrierTransition(cancelled, overdue);
        }

        if (_finished.TryGetValue(arrival, out var finished))
        {
            return new BarrierTransition(finished, Completed(overdue));
        }

        // A cancellation can overtake its own arrival on the wire; remembering it as cancelled makes the late
        // arrival a no-op instead of a ghost that takes a place in the party.
        var unheardOf = ArrivalResult.Cancelled(Phase);
        Remember(arrival, unheardOf, now);
        return new BarrierTransition(unheardOf, Completed(overdue));
    }

    /// <summary>
    /// Members of a waiting coalesced arrival were lost where they waited: a shard of a tiered barrier saw their own
    /// leases run out. Breaks the barrier with <see cref="BrokenBarrierReason.ParticipantLost"/> naming them, exactly
    /// as if their leases had run out here. If the arrival already has a final result (a release or a break came
    /// first) that result stands and nothing changes; an arrival never heard of is <see cref="ArrivalOutcomeKind.Unknown"/>.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// No names, a name the waiting arrival does not stand for, or an arrival whose loss policy is
    /// <see cref="ParticipantLossPolicy.Evict"/> (its lost members are withdrawn, not reported).
    /// </exception>
    public BarrierTransition Lose(ArrivalId arrival, IReadOnlyList<string> lost, DateTimeOffset now)
    {
        AssertInvariants();
        ArgumentNullException.ThrowIfNull(lost);
        if (lost.Count == 0)
        {
            throw new ArgumentException("A report of lost participants must name at least one.", nameof(lost));
        }

        ForgetExpiredResults(now);
        if (_waitingById.TryGetValue(arrival, out var node))
        {
            if (node.Value.Terms.OnLost != ParticipantLossPolicy.Break)
            {
                throw new ArgumentException($"Arrival {arrival} evicts lost participants; withdraw them instead of reporting them lost.", nameof(lost));
            }

            var names = node.Value.Names;
            if (lost.FirstOrDefault(name => !names.Contains(name)) is { } stranger)
            {
                throw new ArgumentException($"Arrival {arrival} does not stand for participant '{stranger}'.", nameof(lost));
            }
        }

        // A deadline that passed first wins, as it would have if its timer had fired in time.
        var overdue = ApplyOverdue(now);
        if (_waitingById.ContainsKey(arrival))
        {
            overdue ??= [];
            overdue.AddRange(Break(BrokenBarrierReason.ParticipantLost, now, [.. lost.Distinct(StringComparer.Ordinal)]));
            return new BarrierTransition(BrokenResult(), overdue);
        }

        var result = _finished.TryGetValue(arrival, out var finished) ? finished : ArrivalResult.Unknown(Phase);
        return new BarrierTransition(result, Completed(overdue));
    }

    /// <summary>
    /// A shard's next activation asks what became of a member (<paramref name="member"/>, one of an arrival's
    /// <see cref="ArrivalTerms.MemberIds"/>) that re-attached to it. First the activation's epoch supersedes older ones,
    /// evicting what they left waiting, so nothing of a dead activation can be released after this answer. Then the
    /// answer: the member's own remembered release, or <see cref="ArrivalOutcomeKind.Unknown"/> (it was not released: it
    /// joins the new activation's arrivals).
    /// </summary>
    public BarrierTransition Recall(ArrivalId member, string shard, long epoch, DateTimeOffset now)
    {
        AssertInvariants();
        ArgumentNullException.ThrowIfNull(shard);
        ForgetExpiredResults(now);
        var overdue = ApplyOverdue(now);
        Announce(shard, epoch, now, ref overdue);
        var result = _finished.TryGetValue(member, out var finished) ? finished : ArrivalResult.Unknown(Phase);
        return new BarrierTransition(result, Completed(overdue));
    }

    /// <summary>Back to empty and filling; every waiter fails with <see cref="BrokenBarrierReason.Reset"/>. Mends a broken barrier.</summary>
    public BarrierTransition Reset(DateTimeOffset now)
    {
        AssertInvariants();
        ForgetExpiredResults(now);

        State = BarrierState.Resetting;
        var completions = CompleteAllWaiting(ArrivalResult.Broken(BrokenBarrierReason.Reset, Phase), now);
        State = BarrierState.Filling;
        _lostParticipants = [];
        Version++;
        return new BarrierTransition(ArrivalResult.Pending(Phase), completions);
    }

    /// <summary>Breaks the barrier; every current and later arrival fails with <see cref="BrokenBarrierReason.Aborted"/> until reset.</summary>
    public BarrierTransition Abort(DateTimeOffset now)
    {
        AssertInvariants();
        ForgetExpiredResults(now);
        return new BarrierTransition(ArrivalResult.Pending(Phase), Break(BrokenBarrierReason.Aborted, now));
    }

    /// <summary>
    /// Lets time pass: a waiting arrival whose timeout has come breaks the barrier with
    /// <see cref="BrokenBarrierReason.Timeout"/>; one whose lease has run out is evicted or breaks it with
    /// <see cref="BrokenBarrierReason.ParticipantLost"/>, as its policy says.
    /// </summary>
    public BarrierTransition AdvanceTime(DateTimeOffset now)
    {
        AssertInvariants();
        ForgetExpiredResults(now);
        return new BarrierTransition(ArrivalResult.Pending(Phase), Completed(ApplyOverdue(now)));
    }

    /// <summary>Takes a snapshot for <see cref="BarrierStatus"/>, listing at most <paramref name="listLimit"/> waiters and missing participants.</summary>
    public BarrierStatus GetStatus(int listLimit = 100) => new(Name, Parties, Waiting, State, Phase)
    {
        Waiters = [.. StatusWaiters(listLimit).Select(w => w.Waiter)],
        Arrivals = _waiting.Count,
        Missing = Missing(listLimit),
        BrokenReason = State == BarrierState.Broken ? _brokenReason : null,
        LostParticipants = State == BarrierState.Broken ? _lostParticipants : [],
    };

    /// <summary>
    /// The waiters as status lists them, oldest first, each with the caller id its silo may be looked up by: a
    /// coalesced arrival with named members is listed member by member, one without once with its count.
    /// </summary>
    public IEnumerable<(BarrierWaiter Waiter, string? Source)> StatusWaiters(int listLimit)
        => _waiting
            .SelectMany(w => w.Members is { } members
                ? members.Select(name => (new BarrierWaiter(name, w.Terms.Silo, w.ArrivedAt), w.Terms.Source))
                : [(new BarrierWaiter(w.Terms.Participant, w.Terms.Silo, w.ArrivedAt) { Count = w.Units }, w.Terms.Source)])
            .Take(listLimit);

    /// <summary>Participants of the latest release with no arrival waiting now, in the order of their last index.</summary>
    private List<string> Missing(int limit)
    {
        var missing = new List<string>();
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in _lastRelease.SelectMany(member => member.Names))
        {
            if (missing.Count >= limit)
            {
                break;
            }

            if (!_waitingNames.ContainsKey(name) && listed.Add(name))
            {
                missing.Add(name);
            }
        }

        return missing;
    }

    private BarrierTransition ArriveAndWait(ArrivalId arrival, ArrivalTerms terms, DateTimeOffset now, List<ArrivalCompletion>? overdue)
    {
        Debug.Assert(State == BarrierState.Filling, "Only a filling barrier takes arrivals.");

        // A coalesced arrival may bring more than the party lacks: the release takes what fits, and the caller sends
        // the rest again as a new arrival for the next phase (an arrival after a release belongs to the next phase).
        var room = Parties - _waitingUnits;
        var waiting = new WaitingArrival(arrival, terms, now, DeadlineAfter(now, terms.Timeout), DeadlineAfter(now, terms.Lease));
        if (terms.Units > room)
        {
            waiting.Units = room;
            waiting.Members = terms.Members?.Take(room).ToArray();
            waiting.MemberIds = terms.MemberIds?.Take(room).ToArray();
        }

        _waitingById.Add(arrival, _waiting.AddLast(waiting));
        _waitingUnits += waiting.Units;
        CountNames(waiting);
        if (waiting.TimeoutAt is { } timeoutAt)
        {
            _deadlines.Add(new ScheduledDeadline(arrival, DeadlineKind.Timeout, timeoutAt));
        }

        if (waiting.LeaseExpiresAt is { } leaseExpiresAt)
        {
            _deadlines.Add(new ScheduledDeadline(arrival, DeadlineKind.Lease, leaseExpiresAt));
        }

        if (_waitingUnits == Parties)
        {
            var released = Release(now);
            overdue?.AddRange(released);
            var completions = overdue ?? released;
            return new BarrierTransition(completions[^1].Result, completions);
        }

        if (waiting.TimeoutAt <= now)
        {
            // A zero timeout that did not complete the barrier breaks it at once (threading.Barrier.wait(0)).
            var broken = Break(BrokenBarrierReason.Timeout, now);
            overdue?.AddRange(broken);
            return new BarrierTransition(BrokenResult(), overdue ?? broken);
        }

        return new BarrierTransition(ArrivalResult.Pending(Phase), Completed(overdue));
    }

    /// <summary>
    /// A shard's arrival: one from an activation older than the latest seen is evicted on sight (that activation is
    /// gone, and its participants re-attached to a newer one); the first from a newer one evicts the waiting arrivals
    /// of older ones, which would otherwise count those participants twice until their leases ran out.
    /// </summary>
    private ArrivalResult? Supersede(ArrivalId arrival, string shard, long epoch, DateTimeOffset now, ref List<ArrivalCompletion>? completions)
    {
        if (Announce(shard, epoch, now, ref completions))
        {
            return null;
        }

        var evicted = ArrivalResult.Evicted(Phase);
        Remember(arrival, evicted, now);
        return evicted;
    }

    /// <summary>Records a shard activation's epoch, evicting the waiting arrivals of older ones; false if a newer one is already known.</summary>
    private bool Announce(string shard, long epoch, DateTimeOffset now, ref List<ArrivalCompletion>? completions)
    {
        var known = _shardEpochs.TryGetValue(shard, out var latest);
        if (known && epoch <= latest)
        {
            return epoch == latest;
        }

        _shardEpochs[shard] = epoch;
        if (!known)
        {
            return true;
        }

        var superseded = _waiting.Where(w => w.Terms.Shard == shard && w.Terms.ShardEpoch < epoch).ToList();
        foreach (var waiting in superseded)
        {
            RemoveWaiting(_waitingById[waiting.Id]);
            var evicted = ArrivalResult.Evicted(Phase);
            Remember(waiting.Id, evicted, now);
            completions ??= [];
            completions.Add(new ArrivalCompletion(waiting.Id, evicted));
        }

        return true;
    }

    private void Renew(WaitingArrival waiting, DateTimeOffset now)
    {
        if (waiting.Terms.Lease is null || DeadlineAfter(now, waiting.Terms.Lease) is not { } expiresAt || expiresAt == waiting.LeaseExpiresAt)
        {
            return;
        }

        waiting.LeaseExpiresAt = expiresAt;
        _deadlines.Add(new ScheduledDeadline(waiting.Id, DeadlineKind.Lease, expiresAt));

        // Each renewal leaves the old entry behind until it reaches the head; keep the queue proportional to the waiters.
        if (_deadlines.Count > (4 * _waiting.Count) + 64)
        {
            _deadlines.Compact(_isCurrentDeadline);
        }
    }

    private static IReadOnlyList<ArrivalCompletion> Completed(List<ArrivalCompletion>? completions)
        => completions is null ? NoCompletions : completions;

    /// <summary>Applies every deadline that has passed, earliest first: evictions, then at most one break. Null if nothing was due (the common case allocates nothing).</summary>
    private List<ArrivalCompletion>? ApplyOverdue(DateTimeOffset now)
    {
        List<ArrivalCompletion>? completions = null;
        List<string>? lost = null;
        while (_deadlines.TryPeek(_isCurrentDeadline, out var deadline) && deadline.At <= now)
        {
            if (deadline.Kind == DeadlineKind.Timeout)
            {
                // The earliest cause names the break: a lease that ran out before this timeout wins.
                if (lost is null)
                {
                    completions ??= [];
                    completions.AddRange(Break(BrokenBarrierReason.Timeout, now));
                    return completions;
                }

                break;
            }

            _deadlines.Pop();
            var node = _waitingById[deadline.Arrival];
            if (node.Value.Terms.OnLost == ParticipantLossPolicy.Evict)
            {
                RemoveWaiting(node);
                var evicted = ArrivalResult.Evicted(Phase);
                Remember(deadline.Arrival, evicted, now);
                completions ??= [];
                completions.Add(new ArrivalCompletion(deadline.Arrival, evicted));
            }
            else
            {
                // Leave it waiting until every lease that ran out by now is collected, so the break names them all.
                node.Value.LeaseExpiresAt = null;
                lost ??= [];
                foreach (var name in node.Value.Names)
                {
                    if (!lost.Contains(name))
                    {
                        lost.Add(name);
                    }
                }
            }
        }

        if (lost is not null)
        {
            completions ??= [];
            completions.AddRange(Break(BrokenBarrierReason.ParticipantLost, now, lost));
        }

        return completions;
    }

    private bool IsCurrent(ScheduledDeadline deadline)
        => _waitingById.TryGetValue(deadline.Arrival, out var node)
            && (deadline.Kind == DeadlineKind.Timeout ? node.Value.TimeoutAt : node.Value.LeaseExpiresAt) == deadline.At;

    /// <summary>The moment a span of <paramref name="span"/> from <paramref name="now"/> runs out; null for no limit or beyond the calendar.</summary>
    private static DateTimeOffset? DeadlineAfter(DateTimeOffset now, TimeSpan? span)
    {
        if (span is not { } t || t == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        Debug.Assert(t >= TimeSpan.Zero, "Callers validate timeouts and leases.");
        return t < DateTimeOffset.MaxValue - now ? now + t : null;
    }

    private List<ArrivalCompletion> Release(DateTimeOffset now)
    {
        Debug.Assert(_waitingUnits == Parties, "A release takes exactly one full party.");

        // Indices follow arrival order among the arrivals still waiting, so cancellations leave no gaps or
        // duplicates: the survivors are numbered 0..Parties-1 afresh, a coalesced arrival taking a run of them.
        State = BarrierState.Draining;
        Phase++;
        Version++;
        _lastRelease = [.. _waiting.Select(w => new ReleasedArrival(w.Id, w.Terms.Participant, w.Units, w.Members, w.Offered))];
        RememberMembers(now);
        var completions = CompleteAllWaiting((waiting, index) => ArrivalResult.Released(index, Phase, waiting.Units, waiting.Offered), now);
        State = BarrierState.Filling;
        return completions;
    }

    /// <summary>Remembers each shard member's own index under its own arrival id, for <see cref="Recall"/>.</summary>
    private void RememberMembers(DateTimeOffset now)
    {
        var position = 0;
        foreach (var waiting in _waiting)
        {
            if (waiting.MemberIds is { } ids)
            {
                for (var i = 0; i < waiting.Units; i++)
                {
                    Remember(new ArrivalId(ids[i]), ArrivalResult.Released(position + i, Phase), now);
                }
            }

            position += waiting.Units;
        }
    }

    private List<ArrivalCompletion> Break(BrokenBarrierReason reason, DateTimeOffset now, IReadOnlyList<string>? lost = null)
    {
        State = BarrierState.Broken;
        _brokenReason = reason;
        _lostParticipants = lost ?? [];
        Version++;
        return CompleteAllWaiting(BrokenResult(), now);
    }

    private ArrivalResult BrokenResult()
        => ArrivalResult.Broken(_brokenReason, Phase, _brokenReason == BrokenBarrierReason.ParticipantLost ? _lostParticipants : null);

    private List<ArrivalCompletion> CompleteAllWaiting(ArrivalResult result, DateTimeOffset now)
        => CompleteAllWaiting((_, _) => result, now);

    /// <summary>Gives every waiting arrival its final result by its first unit's position in arrival order, then empties the queue.</summary>
    private List<ArrivalCompletion> CompleteAllWaiting(Func<WaitingArrival, int, ArrivalResult> resultAt, DateTimeOffset now)
    {
        var completions = new List<ArrivalCompletion>(_waiting.Count);
        var position = 0;
        foreach (var waiting in _waiting)
        {
            var result = resultAt(waiting, position);
            position += waiting.Units;
            completions.Add(new ArrivalCompletion(waiting.Id, result));
            Remember(waiting.Id, result, now);
        }

        _waitingUnits = 0;
        _waiting.Clear();
        _waitingById.Clear();
        _waitingNames.Clear();
        _deadlines.Clear();
        return completions;
    }

    private void RemoveWaiting(LinkedListNode<WaitingArrival> node)
    {
        _waiting.Remove(node);
        _waitingById.Remove(node.Value.Id);
        _waitingUnits -= node.Value.Units;
        ForgetNames(node.Value);
    }

    private void CountNames(WaitingArrival waiting) => CountNames(waiting, 1);

    private void ForgetNames(WaitingArrival waiting) => CountNames(waiting, -1);

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
        var count = _waitingNames.GetValueOrDefault(name) + by;
        if (count == 0)
        {
            _waitingNames.Remove(name);
        }
        else
        {
            _waitingNames[name] = count;
        }
    }

    private void Remember(ArrivalId arrival, ArrivalResult result, DateTimeOffset now)
    {
        Debug.Assert(result.IsFinal, "Only final results are remembered.");
        if (_finished.TryAdd(arrival, result))
        {
            _finishedOrder.Enqueue((arrival, now));
            if (_finished.Count > _maxRemembered)
            {
                _finished.Remove(_finishedOrder.Dequeue().Arrival);
            }
        }
    }

    private void ForgetExpiredResults(DateTimeOffset now)
    {
        while (_finishedOrder.TryPeek(out var oldest) && now - oldest.FinishedAt > _resultRetention)
        {
            _finishedOrder.Dequeue();
            _finished.Remove(oldest.Arrival);
        }
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(State is BarrierState.Filling or BarrierState.Broken, "Releases and resets finish within one call.");
        Debug.Assert(_waitingUnits < Parties, "A full party is released in the call that completes it.");
        Debug.Assert(_waitingUnits >= _waiting.Count, "Every waiting arrival stands for at least one participant.");
        Debug.Assert(State != BarrierState.Broken || _waiting.Count == 0, "Nothing waits on a broken barrier.");
        Debug.Assert(_waiting.Count == _waitingById.Count, "The queue and its index agree.");
    }
}

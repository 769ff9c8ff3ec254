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
    private readonly ArrivalLedger _ledger;
    private readonly ArrivalDeadlines _deadlines;
    private readonly ShardEpochs _shards;
    private BarrierStoredPart _stored = new();

    /// <summary>Creates an empty, filling barrier.</summary>
    /// <param name="name">The barrier's name, for status reports.</param>
    /// <param name="parties">Arrivals per release; at least 1.</param>
    /// <param name="resultRetention">How long a final result is remembered for re-issued polls.</param>
    public BarrierStateMachine(string name, int parties, TimeSpan resultRetention)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(resultRetention, TimeSpan.Zero);
        Name = name;
        Definition = new BarrierDefinition(parties);

        // A re-issued poll only needs recent results: always the whole latest release, since this is at least twice the party count.
        _ledger = new ArrivalLedger(resultRetention, Math.Max(2 * parties, MinRemembered));
        _deadlines = new ArrivalDeadlines(_ledger);
        _shards = new ShardEpochs(_ledger);
    }

    /// <summary>The fewest final results remembered (if still within retention), however small the party count.</summary>
    public const int MinRemembered = 1024;

    /// <summary>The barrier's name.</summary>
    public string Name { get; }

    /// <summary>What the barrier is: its party count, held here once.</summary>
    public BarrierDefinition Definition { get; }

    /// <summary>Arrivals per release.</summary>
    public int Parties => Definition.Parties;

    /// <summary>Filling or broken, between calls.</summary>
    public BarrierState State { get; private set; } = BarrierState.Filling;

    /// <summary>How many releases have happened.</summary>
    public long Phase => _stored.Phase;

    /// <summary>Counts changes to the stored part; 1 for a new barrier, which has not been stored yet.</summary>
    public long Version => _stored.Version;

    /// <summary>Participants waiting in the current phase: each waiting arrival counts as many as its units.</summary>
    public int Waiting => _ledger.Units;

    /// <summary>Arrivals waiting in the current phase; fewer than <see cref="Waiting"/> when some are coalesced.</summary>
    public int WaitingArrivalCount => _ledger.Count;

    /// <summary>Why the barrier is broken; meaningful only while <see cref="State"/> is broken.</summary>
    public BrokenBarrierReason BrokenReason => _stored.BrokenReason;

    /// <summary>The participants whose lost leases broke the barrier; empty unless it is broken for that reason.</summary>
    public IReadOnlyList<string> LostParticipants => _stored.LostParticipants;

    /// <summary>The earliest moment a waiting arrival times out or its lease runs out, or <see langword="null"/> if none can.</summary>
    public DateTimeOffset? NextDeadline => _deadlines.Next;

    /// <summary>Deadline entries queued, stale ones included; stays proportional to <see cref="Waiting"/> however often leases are renewed.</summary>
    public int ScheduledDeadlines => _deadlines.Count;

    /// <summary>How many final results are remembered for re-issued polls.</summary>
    public int RememberedResults => _ledger.RememberedCount;

    /// <summary>The waiting arrivals, oldest first.</summary>
    public IEnumerable<ArrivalId> WaitingArrivals => _ledger.Waiting.Select(w => w.Id);

    /// <summary>The waiting arrivals with their terms, oldest first.</summary>
    public IEnumerable<WaitingArrival> Waiters => _ledger.Waiting;

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
            _stored = BarrierStoredPart.From(snapshot),
            State = snapshot.BrokenReason is null ? BarrierState.Filling : BarrierState.Broken,
        };

        machine._ledger.RememberRelease(snapshot.LastRelease, snapshot.Phase, now);
        return machine;
    }

    /// <summary>The stored part, as of now.</summary>
    public BarrierSnapshot Snapshot() => _stored.Snapshot(Parties, State == BarrierState.Broken);

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
        terms.ThrowIfInvalid(Parties, nameof(terms));
        _ledger.ForgetExpired(now);

        // A deadline that passed before its timer fired still wins: this arrival must not complete a party
        // that should already have broken, nor count a participant whose lease has already run out.
        var overdue = ApplyOverdue(now);
        if (_ledger.TryGetWaiting(arrival, out var waiting))
        {
            _deadlines.Renew(waiting, now);
            if (terms.Units < waiting.Units)
            {
                _ledger.Shrink(waiting, terms);
            }

            return new BarrierTransition(ArrivalResult.Pending(Phase), Completed(overdue));
        }

        if (_ledger.TryGetFinished(arrival, out var finished))
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
            _ledger.Remember(arrival, broken, now);
            return new BarrierTransition(broken, Completed(overdue));
        }

        if (terms.Shard is { } shard && _shards.Supersede(arrival, shard, terms.ShardEpoch, Phase, now, ref overdue) is { } stale)
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
        _ledger.ForgetExpired(now);

        // An overdue deadline applies first, so the arrival then answers with that break or eviction.
        var overdue = ApplyOverdue(now);
        if (_ledger.IsWaiting(arrival))
        {
            _ledger.Remove(arrival);
            var cancelled = ArrivalResult.Cancelled(Phase);
            _ledger.Remember(arrival, cancelled, now);
            overdue ??= [];
            overdue.Add(new ArrivalCompletion(arrival, cancelled));
            return new BarrierTransition(cancelled, overdue);
        }

        if (_ledger.TryGetFinished(arrival, out var finished))
        {
            return new BarrierTransition(finished, Completed(overdue));
        }

        // A cancellation can overtake its own arrival on the wire; remembering it as cancelled makes the late
        // arrival a no-op instead of a ghost that takes a place in the party.
        var unheardOf = ArrivalResult.Cancelled(Phase);
        _ledger.Remember(arrival, unheardOf, now);
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

        _ledger.ForgetExpired(now);
        if (_ledger.TryGetWaiting(arrival, out var waiting))
        {
            if (waiting.Terms.OnLost != ParticipantLossPolicy.Break)
            {
                throw new ArgumentException($"Arrival {arrival} evicts lost participants; withdraw them instead of reporting them lost.", nameof(lost));
            }

            var names = waiting.Names;
            if (lost.FirstOrDefault(name => !names.Contains(name)) is { } stranger)
            {
                throw new ArgumentException($"Arrival {arrival} does not stand for participant '{stranger}'.", nameof(lost));
            }
        }

        // A deadline that passed first wins, as it would have if its timer had fired in time.
        var overdue = ApplyOverdue(now);
        if (_ledger.IsWaiting(arrival))
        {
            overdue ??= [];
            overdue.AddRange(Break(BrokenBarrierReason.ParticipantLost, now, [.. lost.Distinct(StringComparer.Ordinal)]));
            return new BarrierTransition(BrokenResult(), overdue);
        }

        var result = _ledger.TryGetFinished(arrival, out var finished) ? finished : ArrivalResult.Unknown(Phase);
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
        _ledger.ForgetExpired(now);
        var overdue = ApplyOverdue(now);
        _shards.Announce(shard, epoch, Phase, now, ref overdue);
        var result = _ledger.TryGetFinished(member, out var finished) ? finished : ArrivalResult.Unknown(Phase);
        return new BarrierTransition(result, Completed(overdue));
    }

    /// <summary>Back to empty and filling; every waiter fails with <see cref="BrokenBarrierReason.Reset"/>. Mends a broken barrier.</summary>
    public BarrierTransition Reset(DateTimeOffset now)
    {
        AssertInvariants();
        _ledger.ForgetExpired(now);

        State = BarrierState.Resetting;
        var completions = CompleteAllWaiting(ArrivalResult.Broken(BrokenBarrierReason.Reset, Phase), now);
        State = BarrierState.Filling;
        _stored.Mended();
        return new BarrierTransition(ArrivalResult.Pending(Phase), completions);
    }

    /// <summary>Breaks the barrier; every current and later arrival fails with <see cref="BrokenBarrierReason.Aborted"/> until reset.</summary>
    public BarrierTransition Abort(DateTimeOffset now)
    {
        AssertInvariants();
        _ledger.ForgetExpired(now);
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
        _ledger.ForgetExpired(now);
        return new BarrierTransition(ArrivalResult.Pending(Phase), Completed(ApplyOverdue(now)));
    }

    /// <summary>Takes a snapshot for <see cref="BarrierStatus"/>, listing at most <paramref name="listLimit"/> waiters and missing participants.</summary>
    public BarrierStatus GetStatus(int listLimit = 100) => BarrierStatusView.Of(this, _ledger, _stored.LastRelease, listLimit);

    /// <inheritdoc cref="BarrierStatusView.Waiters"/>
    public IEnumerable<(BarrierWaiter Waiter, string? Source)> StatusWaiters(int listLimit) => BarrierStatusView.Waiters(_ledger, listLimit);

    private BarrierTransition ArriveAndWait(ArrivalId arrival, ArrivalTerms terms, DateTimeOffset now, List<ArrivalCompletion>? overdue)
    {
        Debug.Assert(State == BarrierState.Filling, "Only a filling barrier takes arrivals.");

        // A coalesced arrival may bring more than the party lacks: the release takes what fits, and the caller sends
        // the rest again as a new arrival for the next phase (an arrival after a release belongs to the next phase).
        var room = Parties - _ledger.Units;
        var waiting = new WaitingArrival(arrival, terms, now, ArrivalDeadlines.After(now, terms.Timeout), ArrivalDeadlines.After(now, terms.Lease));
        if (terms.Units > room)
        {
            waiting.Units = room;
            waiting.Members = terms.Members?.Take(room).ToArray();
            waiting.MemberIds = terms.MemberIds?.Take(room).ToArray();
        }

        _ledger.Add(waiting);
        _deadlines.Schedule(waiting);
        if (_ledger.Units == Parties)
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

    private static IReadOnlyList<ArrivalCompletion> Completed(List<ArrivalCompletion>? completions)
        => completions is null ? NoCompletions : completions;

    /// <summary>Applies every deadline that has passed, earliest first: evictions, then at most one break. Null if nothing was due (the common case allocates nothing).</summary>
    private List<ArrivalCompletion>? ApplyOverdue(DateTimeOffset now)
    {
        List<ArrivalCompletion>? completions = null;
        if (_deadlines.ApplyOverdue(now, Phase, ref completions) is { } cause)
        {
            completions ??= [];
            completions.AddRange(Break(cause.Reason, now, cause.Lost));
        }

        return completions;
    }

    private List<ArrivalCompletion> Release(DateTimeOffset now)
    {
        Debug.Assert(_ledger.Units == Parties, "A release takes exactly one full party.");

        // Indices follow arrival order among the arrivals still waiting, so cancellations leave no gaps or
        // duplicates: the survivors are numbered 0..Parties-1 afresh, a coalesced arrival taking a run of them.
        State = BarrierState.Draining;
        _stored.Released([.. _ledger.Waiting.Select(w => new ReleasedArrival(w.Id, w.Terms.Participant, w.Units, w.Members, w.Offered, w.MemberIds?.Take(w.Units).ToArray()))]);
        _shards.RememberMembers(Phase, now);
        var completions = CompleteAllWaiting((waiting, index) => ArrivalResult.Released(index, Phase, waiting.Units, waiting.Offered), now);
        State = BarrierState.Filling;
        return completions;
    }

    private List<ArrivalCompletion> Break(BrokenBarrierReason reason, DateTimeOffset now, IReadOnlyList<string>? lost = null)
    {
        State = BarrierState.Broken;
        _stored.Broke(reason, lost);
        return CompleteAllWaiting(BrokenResult(), now);
    }

    private ArrivalResult BrokenResult()
        => ArrivalResult.Broken(BrokenReason, Phase, BrokenReason == BrokenBarrierReason.ParticipantLost ? LostParticipants : null);

    private List<ArrivalCompletion> CompleteAllWaiting(ArrivalResult result, DateTimeOffset now)
        => CompleteAllWaiting((_, _) => result, now);

    /// <summary>Completes every waiting arrival; their deadlines go with them.</summary>
    private List<ArrivalCompletion> CompleteAllWaiting(Func<WaitingArrival, int, ArrivalResult> resultAt, DateTimeOffset now)
    {
        var completions = _ledger.CompleteAll(resultAt, now);
        _deadlines.Clear();
        return completions;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(State is BarrierState.Filling or BarrierState.Broken, "Releases and resets finish within one call.");
        Debug.Assert(_ledger.Units < Parties, "A full party is released in the call that completes it.");
        Debug.Assert(State != BarrierState.Broken || _ledger.Count == 0, "Nothing waits on a broken barrier.");
    }
}

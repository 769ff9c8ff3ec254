using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// The rules of one barrier (<c>asyncio.Barrier</c> semantics) as a plain class: arrivals, cancellations, resets,
/// aborts and the passage of time go in; decisions come out as <see cref="BarrierTransition"/>s. It owns no
/// timers, threads or clocks: callers pass <c>now</c> and act on the completions it returns. Not thread-safe;
/// the barrier grain's single-threaded turns are its only caller.
/// </summary>
/// <remarks>
/// Invariants between calls: <see cref="State"/> is <see cref="BarrierState.Filling"/> or
/// <see cref="BarrierState.Broken"/> (a release or reset finishes inside the call that starts it); fewer than
/// <see cref="Parties"/> arrivals wait; nothing waits while broken; and an arrival id is either waiting, or
/// remembered with its final result, or unknown.
/// </remarks>
[DebuggerDisplay("{Name,nq}: {State} {Waiting}/{Parties}, phase {Phase}")]
internal sealed class BarrierStateMachine
{
    private readonly LinkedList<WaitingArrival> _waiting = new();
    private readonly Dictionary<ArrivalId, LinkedListNode<WaitingArrival>> _waitingById = [];

    // Final results stay here for a while so that a re-issued poll whose previous answer was lost in transit
    // still gets its index instead of counting as a new arrival.
    private readonly Dictionary<ArrivalId, ArrivalResult> _finished = [];
    private readonly Queue<(ArrivalId Arrival, DateTimeOffset FinishedAt)> _finishedOrder = new();
    private readonly TimeSpan _resultRetention;

    private BrokenBarrierReason _brokenReason;

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
    }

    /// <summary>The barrier's name.</summary>
    public string Name { get; }

    /// <summary>Arrivals per release.</summary>
    public int Parties { get; }

    /// <summary>Filling or broken, between calls.</summary>
    public BarrierState State { get; private set; } = BarrierState.Filling;

    /// <summary>How many releases have happened.</summary>
    public long Phase { get; private set; }

    /// <summary>Arrivals waiting in the current phase.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Why the barrier is broken; meaningful only while <see cref="State"/> is broken.</summary>
    public BrokenBarrierReason BrokenReason => _brokenReason;

    /// <summary>The earliest moment a waiting arrival times out, or <see langword="null"/> if none can.</summary>
    public DateTimeOffset? NextDeadline { get; private set; }

    /// <summary>How many final results are remembered for re-issued polls.</summary>
    public int RememberedResults => _finished.Count;

    /// <summary>The waiting arrivals, oldest first.</summary>
    public IEnumerable<ArrivalId> WaitingArrivals => _waiting.Select(w => w.Id);

    /// <summary>
    /// An arrival, or a re-issue of one. Idempotent per <paramref name="arrival"/>: a waiting arrival stays
    /// pending, a finished one gets its remembered result.
    /// </summary>
    /// <param name="arrival">The arrival's id.</param>
    /// <param name="timeout">How long it may wait before the barrier breaks; <see langword="null"/> for no limit.</param>
    /// <param name="now">The current time.</param>
    /// <param name="mustBeKnown">
    /// The caller has been answered by this barrier before: if the arrival is neither waiting nor remembered,
    /// answer <see cref="ArrivalOutcomeKind.Unknown"/> instead of counting it again.
    /// </param>
    public BarrierTransition Arrive(ArrivalId arrival, TimeSpan? timeout, DateTimeOffset now, bool mustBeKnown = false)
    {
        AssertInvariants();
        ForgetExpiredResults(now);

        // A deadline that passed before its timer fired still wins: this arrival must not complete a party
        // that should already have broken.
        var overdue = BreakIfOverdue(now);
        if (_waitingById.ContainsKey(arrival))
        {
            return BarrierTransition.Only(ArrivalResult.Pending(Phase));
        }

        if (_finished.TryGetValue(arrival, out var finished))
        {
            return new BarrierTransition(finished, overdue);
        }

        if (mustBeKnown)
        {
            return new BarrierTransition(ArrivalResult.Unknown(Phase), overdue);
        }

        if (State == BarrierState.Broken)
        {
            var broken = ArrivalResult.Broken(_brokenReason, Phase);
            Remember(arrival, broken, now);
            return new BarrierTransition(broken, overdue);
        }

        Debug.Assert(overdue.Count == 0, "An overdue deadline leaves the barrier broken.");
        return ArriveAndWait(arrival, timeout, now);
    }

    /// <summary>
    /// Removes a waiting arrival. If the arrival already has a final result (a release or break won the race),
    /// returns that result instead; an arrival never heard of is reported cancelled.
    /// </summary>
    public BarrierTransition Cancel(ArrivalId arrival, DateTimeOffset now)
    {
        AssertInvariants();
        ForgetExpiredResults(now);

        // An overdue deadline breaks the barrier first, so the arrival then answers with that break.
        var overdue = BreakIfOverdue(now);
        if (_waitingById.Remove(arrival, out var node))
        {
            Debug.Assert(overdue.Count == 0, "A barrier with a waiter was not broken.");
            _waiting.Remove(node);
            if (node.Value.Deadline == NextDeadline)
            {
                NextDeadline = EarliestDeadline();
            }

            var cancelled = ArrivalResult.Cancelled(Phase);
            Remember(arrival, cancelled, now);
            return new BarrierTransition(cancelled, [new ArrivalCompletion(arrival, cancelled)]);
        }

        if (_finished.TryGetValue(arrival, out var finished))
        {
            return new BarrierTransition(finished, overdue);
        }

        // A cancellation can overtake its own arrival on the wire; remembering it as cancelled makes the late
        // arrival a no-op instead of a ghost that takes a place in the party.
        var unheardOf = ArrivalResult.Cancelled(Phase);
        Remember(arrival, unheardOf, now);
        return new BarrierTransition(unheardOf, overdue);
    }

    /// <summary>Back to empty and filling; every waiter fails with <see cref="BrokenBarrierReason.Reset"/>. Mends a broken barrier.</summary>
    public BarrierTransition Reset(DateTimeOffset now)
    {
        AssertInvariants();
        ForgetExpiredResults(now);

        State = BarrierState.Resetting;
        var completions = CompleteAllWaiting(ArrivalResult.Broken(BrokenBarrierReason.Reset, Phase), now);
        State = BarrierState.Filling;
        return new BarrierTransition(ArrivalResult.Pending(Phase), completions);
    }

    /// <summary>Breaks the barrier; every current and later arrival fails with <see cref="BrokenBarrierReason.Aborted"/> until reset.</summary>
    public BarrierTransition Abort(DateTimeOffset now)
    {
        AssertInvariants();
        ForgetExpiredResults(now);
        return new BarrierTransition(ArrivalResult.Pending(Phase), Break(BrokenBarrierReason.Aborted, now));
    }

    /// <summary>Lets time pass: if a waiting arrival's deadline has come, the barrier breaks with <see cref="BrokenBarrierReason.Timeout"/>.</summary>
    public BarrierTransition AdvanceTime(DateTimeOffset now)
    {
        AssertInvariants();
        ForgetExpiredResults(now);
        return new BarrierTransition(ArrivalResult.Pending(Phase), BreakIfOverdue(now));
    }

    /// <summary>Takes a snapshot for <see cref="BarrierStatus"/>.</summary>
    public BarrierStatus GetStatus() => new(Name, Parties, Waiting, State, Phase);

    private BarrierTransition ArriveAndWait(ArrivalId arrival, TimeSpan? timeout, DateTimeOffset now)
    {
        var deadline = DeadlineAfter(now, timeout);
        var node = _waiting.AddLast(new WaitingArrival(arrival, deadline));
        _waitingById.Add(arrival, node);
        if (deadline is { } d && (NextDeadline is null || d < NextDeadline))
        {
            NextDeadline = d;
        }

        if (_waiting.Count == Parties)
        {
            var completions = Release(now);
            return new BarrierTransition(completions[^1].Result, completions);
        }

        if (deadline <= now)
        {
            // A zero timeout that did not complete the barrier breaks it at once (threading.Barrier.wait(0)).
            return new BarrierTransition(ArrivalResult.Broken(BrokenBarrierReason.Timeout, Phase), Break(BrokenBarrierReason.Timeout, now));
        }

        return BarrierTransition.Only(ArrivalResult.Pending(Phase));
    }

    private List<ArrivalCompletion> BreakIfOverdue(DateTimeOffset now)
        => NextDeadline <= now ? Break(BrokenBarrierReason.Timeout, now) : [];

    /// <summary>The moment a wait of <paramref name="timeout"/> from <paramref name="now"/> runs out; null for no limit or beyond the calendar.</summary>
    private static DateTimeOffset? DeadlineAfter(DateTimeOffset now, TimeSpan? timeout)
    {
        if (timeout is not { } t || t == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        Debug.Assert(t >= TimeSpan.Zero, "Callers validate timeouts.");
        return t < DateTimeOffset.MaxValue - now ? now + t : null;
    }

    private List<ArrivalCompletion> Release(DateTimeOffset now)
    {
        Debug.Assert(_waiting.Count == Parties, "A release takes exactly one full party.");

        // Indices follow arrival order among the arrivals still waiting, so cancellations leave no gaps or
        // duplicates: the survivors are numbered 0..Parties-1 afresh.
        State = BarrierState.Draining;
        Phase++;
        var completions = CompleteAllWaiting(index => ArrivalResult.Released(index, Phase), now);
        State = BarrierState.Filling;
        return completions;
    }

    private List<ArrivalCompletion> Break(BrokenBarrierReason reason, DateTimeOffset now)
    {
        State = BarrierState.Broken;
        _brokenReason = reason;
        return CompleteAllWaiting(ArrivalResult.Broken(reason, Phase), now);
    }

    private List<ArrivalCompletion> CompleteAllWaiting(ArrivalResult result, DateTimeOffset now)
        => CompleteAllWaiting(_ => result, now);

    /// <summary>Gives every waiting arrival its final result by position in arrival order, then empties the queue.</summary>
    private List<ArrivalCompletion> CompleteAllWaiting(Func<int, ArrivalResult> resultAt, DateTimeOffset now)
    {
        var completions = new List<ArrivalCompletion>(_waiting.Count);
        foreach (var waiting in _waiting)
        {
            var result = resultAt(completions.Count);
            completions.Add(new ArrivalCompletion(waiting.Id, result));
            Remember(waiting.Id, result, now);
        }

        ClearWaiting();
        return completions;
    }

    private void ClearWaiting()
    {
        _waiting.Clear();
        _waitingById.Clear();
        NextDeadline = null;
    }

    private void Remember(ArrivalId arrival, ArrivalResult result, DateTimeOffset now)
    {
        Debug.Assert(result.IsFinal, "Only final results are remembered.");
        if (_finished.TryAdd(arrival, result))
        {
            _finishedOrder.Enqueue((arrival, now));
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

    private DateTimeOffset? EarliestDeadline()
    {
        DateTimeOffset? earliest = null;
        foreach (var waiting in _waiting)
        {
            if (waiting.Deadline is { } d && (earliest is null || d < earliest))
            {
                earliest = d;
            }
        }

        return earliest;
    }

    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(State is BarrierState.Filling or BarrierState.Broken, "Releases and resets finish within one call.");
        Debug.Assert(_waiting.Count < Parties, "A full party is released in the call that completes it.");
        Debug.Assert(State != BarrierState.Broken || _waiting.Count == 0, "Nothing waits on a broken barrier.");
        Debug.Assert(_waiting.Count == _waitingById.Count, "The queue and its index agree.");
    }

    private readonly record struct WaitingArrival(ArrivalId Id, DateTimeOffset? Deadline);
}

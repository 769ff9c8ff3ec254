using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// Coalesces the arrivals of one process's participants at one barrier: the tasks of a client, or the grains of a
/// silo. Local arrivals that come while a send is being scheduled go to the barrier as one arrival standing for
/// all of them (<see cref="ArrivalRequest.Units"/>), with one poll loop, and its release is fanned back out
/// locally. A phase of N participants in one process then costs the barrier a few messages instead of N.
/// </summary>
/// <remarks>
/// The barrier's rules are untouched, because a coalesced arrival is an ordinary arrival to the barrier: it is
/// released with a run of indices that its members take in local arrival order; a break, an abort, a reset or a
/// lost lease reaches all of them. A cancelled member is withdrawn exactly: the arrival is lowered to the members
/// that stay (listed by name when they have names of their own) in the barrier's turn, which also decides whether
/// a release came first, and only then does the member's wait throw. The release says how many members the
/// arrival stood for then (<see cref="ArrivalOutcome.Offered"/>), which tells exactly which of the lowered lists it
/// counted. Only members that share a lease and loss policy coalesce, so every arrival still carries its members'
/// terms. A member's timeout rides along as the arrival's: the earliest deadline of its members (a timeout breaks the
/// barrier for everyone, so the earliest is the one that counts); a member with a deadline that withdraws takes the
/// arrival's deadline with it by withdrawing the whole arrival, and the others go again with theirs.
/// </remarks>
[DebuggerDisplay("{_poller.Name,nq}: {_pending.Count} pending, {_inFlight.Count} sending")]
internal sealed partial class ArrivalCoalescer
{
    // Bounds how long a steady trickle of arrivals can hold the ones already pending back.
    private const int MaxLooksAgain = 16;

    // A release of at least this many local members takes longer to fan out (a task continuation each) than a burst
    // of looks lasts: its members are waited back for instead, so they go as a few arrivals rather than hundreds.
    private const int BigRelease = 4096;

    private readonly Lock _lock = new();
    private readonly ArrivalPoller _poller;
    private readonly ArrivalRequest _template;
    private readonly bool _named;
    private readonly Action _onIdle;
    private List<LocalArrival> _pending = [];
    private bool _flushQueued;

    // The pending count when the queued flush last looked, and how often it has put itself back since it was queued.
    private int _pendingAtLastLook;
    private int _lookedAgain;

    // Sends in flight (their poll loops running), and the wait for a big release's members to come back.
    private readonly HashSet<CoalescedArrival> _inFlight = [];
    private readonly ReleaseWaitBack _waitBack;

    /// <param name="poller">The poll loop aimed at the barrier.</param>
    /// <param name="template">The terms every coalesced arrival carries (participant, lease, loss policy, silo); no timeout.</param>
    /// <param name="named">Whether members have names of their own (grains), sent with each arrival.</param>
    /// <param name="onIdle">Called when nothing is pending or being sent, so the owner may drop this coalescer.</param>
    /// <param name="waitBackFrom">
    /// From how many members a release's members are waited back for rather than sent in bursts: 4,096 by default, for a
    /// process's own participants, whose bursts come a thread-pool turn apart; a shard, whose members come back one
    /// message at a time, waits back for any release.
    /// </param>
    public ArrivalCoalescer(ArrivalPoller poller, ArrivalRequest template, bool named, Action onIdle, int waitBackFrom = BigRelease)
    {
        Debug.Assert(template.Timeout is null, "Timeouts come with the members.");
        _waitBack = new ReleaseWaitBack(_lock, waitBackFrom, OnReturnPause);
        _poller = poller;
        _template = template;
        _named = named;
        _onIdle = onIdle;
    }

    /// <summary>The poll loop aimed at the barrier, which also turns an outcome into a member's index.</summary>
    internal ArrivalPoller Poller => _poller;

    /// <summary>Arrives one local participant; completes with its index, or fails as its own wait would.</summary>
    /// <param name="member">The participant's own name when members are named; otherwise null.</param>
    /// <param name="timeout">How long it may wait before the barrier breaks (<see cref="BrokenBarrierReason.Timeout"/>); null for no limit.</param>
    /// <param name="cancellationToken">Withdraws the participant.</param>
    public Task<int> ArriveAsync(string? member, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        var local = Join(member, timeout, cancellationToken);

        // Registered outside the lock: an already-cancelled token runs the callback here and now.
        local.ListenForCancellation();
        return local.Task;
    }

    /// <summary>
    /// Arrives one named participant that its owner withdraws or reports lost by calling the member itself (a shard
    /// of a tiered barrier, which has thousands of them and no use for a token each).
    /// </summary>
    /// <param name="member">The participant's name.</param>
    /// <param name="timeout">How long it may wait before the barrier breaks; null for no limit.</param>
    /// <param name="id">
    /// The participant's own arrival id, sent with the coalesced arrival (<see cref="ArrivalRequest.MemberIds"/>) so the
    /// barrier remembers its index under it. A coalescer's members either all have one or none does.
    /// </param>
    public LocalArrival Join(string member, TimeSpan? timeout, ArrivalId id)
    {
        Debug.Assert(_named, "Only named members can be reported lost.");
        return Join(member, timeout, CancellationToken.None, id);
    }

    private LocalArrival Join(string? member, TimeSpan? timeout, CancellationToken cancellationToken, ArrivalId? id = null)
    {
        Debug.Assert(_named == member is not null, "Named coalescers take named members only.");
        var local = new LocalArrival(this, member, DeadlineAfter(timeout), cancellationToken) { Id = id };
        lock (_lock)
        {
            _pending.Add(local);
            Consider();
        }

        return local;
    }

    /// <summary>
    /// Sends what is pending, unless a big release's members are still coming back: then once they all are, or after
    /// a pause. While they are expected the coalescer stays (is not idle), so they come back to the one that knows.
    /// </summary>
    private void Consider()
    {
        AssertInvariants();
        if (_waitBack.Holds(_pending.Count, _poller.Parties))
        {
            _waitBack.Arm(_pending.Count);
            return;
        }

        QueueFlush();
    }

    private void OnReturnPause()
    {
        bool idle;
        lock (_lock)
        {
            AssertInvariants();
            if (!_waitBack.EndsAtPause(_pending.Count, _poller.Parties))
            {
                // Still coming back: wait on.
                return;
            }

            QueueFlush();
            idle = _inFlight.Count == 0 && _pending.Count == 0 && !_flushQueued;
        }

        if (idle)
        {
            _onIdle();
        }
    }

    /// <summary>Sends what is pending on a thread-pool turn of its own, so every arrival made before that turn rides along.</summary>
    private void QueueFlush()
    {
        AssertInvariants();
        if (!_flushQueued && _pending.Count > 0)
        {
            _flushQueued = true;

            // The global queue (not this thread's local one) runs the flush after the work already queued, e.g. the
            // other participants released a moment ago, each about to arrive again.
            ThreadPool.UnsafeQueueUserWorkItem(static self => self.Flush(), this, preferLocal: false);
        }
    }

    private void Flush()
    {
        List<CoalescedArrival> sends = [];
        lock (_lock)
        {
            // While arrivals keep coming in (the participants of a release arriving again, their continuations
            // spread over the pool's threads), go to the back of the queue once more instead of sending a part of
            // them: one turn of the queue with no new arrival ends the burst, so an idle pool sends at once. Not for a
            // big release's members, whom Consider already waited back for.
            AssertInvariants();
            var returned = _waitBack.Expecting;
            if (!returned && _pending.Count > _pendingAtLastLook && _pending.Count < _poller.Parties && _lookedAgain < MaxLooksAgain)
            {
                _pendingAtLastLook = _pending.Count;
                _lookedAgain++;
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Flush(), this, preferLocal: false);
                return;
            }

            _flushQueued = false;
            _pendingAtLastLook = 0;
            _lookedAgain = 0;
            _waitBack.Stop();

            var pending = _pending;
            _pending = [];

            // No arrival may stand for more than the party.
            for (var start = 0; start < pending.Count; start += _poller.Parties)
            {
                var members = pending.GetRange(start, Math.Min(_poller.Parties, pending.Count - start)).ToArray();
                var send = new CoalescedArrival(ArrivalId.New(), members);
                foreach (var member in members)
                {
                    member.Sent = send;
                }

                sends.Add(send);
                _inFlight.Add(send);
            }

        }

        foreach (var send in sends)
        {
            _ = SendAsync(send);
        }
    }

    private async Task SendAsync(CoalescedArrival send)
    {
        ArrivalOutcome? outcome = null;
        Exception? failure = null;
        try
        {
            var request = _template with { Id = send.Id, Units = send.All.Length, Members = NamesOf(send.All), MemberIds = IdsOf(send.All), Timeout = TimeoutOf(send.All) };

            // Each re-issue stands for the members that stay now (a re-attached arrival keeps its withdrawals).
            outcome = await _poller.PollAsync(request, send.Withdrawal.Token, r => Lowered(r, Volatile.Read(ref send.LastSent)));
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        bool idle;
        lock (_lock)
        {
            if (outcome is { } final)
            {
                Settle(send, final);
            }
            else
            {
                Fail(send, failure!);
            }

            _inFlight.Remove(send);
            Consider();
            idle = _inFlight.Count == 0 && _pending.Count == 0 && !_waitBack.Armed;
        }

        send.Withdrawal.Dispose();
        if (idle)
        {
            _onIdle();
        }
    }

    /// <summary>When a timeout from now runs out, as a timestamp of the barrier's clock; null for none, or one too far off to count (centuries), as the barrier treats it.</summary>
    private long? DeadlineAfter(TimeSpan? timeout)
    {
        if (timeout is not { } t)
        {
            return null;
        }

        var now = _poller.Time.GetTimestamp();
        var ticks = t.TotalSeconds * _poller.Time.TimestampFrequency;
        return ticks < long.MaxValue - now ? now + (long)ticks : null;
    }

    /// <summary>The earliest of the members' deadlines, as a timeout from now; null if none has one.</summary>
    private TimeSpan? TimeoutOf(LocalArrival[] members)
    {
        long? earliest = null;
        foreach (var member in members)
        {
            if (member.Deadline is { } deadline && (earliest is null || deadline < earliest))
            {
                earliest = deadline;
            }
        }

        return earliest is { } at ? TimeSpan.FromSeconds(Math.Max(at - _poller.Time.GetTimestamp(), 0) / (double)_poller.Time.TimestampFrequency) : null;
    }

    private ArrivalRequest Lowered(ArrivalRequest request, LocalArrival[] staying)
        => request with { Units = staying.Length, Members = NamesOf(staying), MemberIds = IdsOf(staying) };

    private string[]? NamesOf(LocalArrival[] members) => _named ? [.. members.Select(m => m.Member!)] : null;

    private static Guid[]? IdsOf(LocalArrival[] members) => members.Length > 0 && members[0].Id is not null ? [.. members.Select(m => m.Id!.Value.Value)] : null;

    /// <summary>Fans a coalesced arrival's final outcome out to its members, once.</summary>
    private void Settle(CoalescedArrival send, ArrivalOutcome outcome)
    {
        AssertInvariants();
        if (send.Settled)
        {
            return;
        }

        send.Settled = true;
        if (outcome.Kind is not (ArrivalOutcomeKind.Released or ArrivalOutcomeKind.Cancelled))
        {
            foreach (var member in send.All)
            {
                member.Complete(outcome, send.Id, 0);
            }

            return;
        }

        // The barrier counted the first `Units` of the list it held when it released: the one of the size it
        // reports. Withdrawn members outside them leave; members that stay but were not counted (an arrival only
        // partly taken by the release, or withdrawn as a whole for others) go again, ahead of later arrivals.
        if (outcome.Kind == ArrivalOutcomeKind.Released)
        {
            // The first answer of a big release: the other sends in flight were most likely released with it.
            _waitBack.OnReleased(outcome.Phase, _inFlight);

            var offered = Math.Max(outcome.Offered, Math.Max(outcome.Units, 1));
            var counted = send.Lists.GetValueOrDefault(offered) ?? send.LastSent;
            var admitted = Math.Min(Math.Max(outcome.Units, 1), counted.Length);
            for (var offset = 0; offset < admitted; offset++)
            {
                counted[offset].Complete(outcome, send.Id, offset);
            }
        }

        List<LocalArrival>? again = null;
        foreach (var member in send.All)
        {
            if (member.Task.IsCompleted)
            {
                continue;
            }

            if (member.Withdrawn)
            {
                member.Cancel();
            }
            else
            {
                member.Sent = null;
                (again ??= []).Add(member);
            }
        }

        if (again is not null)
        {
            _pending.InsertRange(0, again);
        }
    }

    private void Fail(CoalescedArrival send, Exception failure)
    {
        AssertInvariants();
        if (send.Settled)
        {
            return;
        }

        send.Settled = true;
        List<LocalArrival>? again = null;
        foreach (var member in send.All.Where(m => !m.Task.IsCompleted))
        {
            if (failure is OperationCanceledException && member.Withdrawn)
            {
                member.Cancel();
            }
            else if (failure is OperationCanceledException)
            {
                // The withdrawal went unanswered because the barrier's silo is gone; the others were not counted
                // anywhere, so they go again (and meet the same outage in their own poll loop).
                member.Sent = null;
                (again ??= []).Add(member);
            }
            else
            {
                member.Fail(failure);
            }
        }

        if (again is not null)
        {
            _pending.InsertRange(0, again);
        }
    }

    /// <summary>What holds between the coalescer's steps; checked under the lock, where they change.</summary>
    [Conditional("DEBUG")]
    private void AssertInvariants()
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "The coalescer's state is read and changed under its lock.");
        Debug.Assert(_flushQueued || (_lookedAgain == 0 && _pendingAtLastLook == 0), "Only a queued flush looks again.");
        Debug.Assert(_lookedAgain <= MaxLooksAgain, "A flush looks again a bounded number of times.");
    }
}

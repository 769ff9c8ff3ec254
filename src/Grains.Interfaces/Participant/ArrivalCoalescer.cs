using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// Coalesces the arrivals of one process's participants at one barrier: local arrivals that come while a send is
/// being scheduled go to the barrier as one arrival standing for all of them (<see cref="ArrivalRequest.Units"/>),
/// with one poll loop, and its release is fanned back out locally. A phase of N participants in one process then
/// costs the barrier a few messages instead of N.
/// </summary>
/// <remarks>
/// The barrier's rules are untouched, because a coalesced arrival is an ordinary arrival to the barrier: it is
/// released with a run of indices that its members take in local arrival order; a break, an abort, a reset or a
/// lost lease reaches all of them. A cancelled member is withdrawn exactly: the arrival's units are lowered by one
/// in the barrier's turn, which also decides whether a release came first, and only then does the member's wait
/// throw. Only members that share a name, lease and loss policy and have no timeout coalesce (the handle sends the
/// others on their own), so every arrival still carries its own terms.
/// </remarks>
[DebuggerDisplay("{_poller.Name,nq}: {_pending.Count} pending, {_sending} sending")]
internal sealed class ArrivalCoalescer
{
    private readonly Lock _lock = new();
    private readonly ArrivalPoller _poller;
    private readonly ArrivalRequest _template;
    private readonly Action _onIdle;
    private List<LocalArrival> _pending = [];
    private bool _flushQueued;
    private int _sending;

    // The pending count when the queued flush last looked, and how often it has put itself back since it was queued.
    private int _pendingAtLastLook;
    private int _lookedAgain;

    // Bounds how long a steady trickle of arrivals can hold the ones already pending back.
    private const int MaxLooksAgain = 16;

    /// <param name="poller">The poll loop aimed at the barrier.</param>
    /// <param name="template">The terms every coalesced arrival carries (participant, lease, loss policy); no timeout.</param>
    /// <param name="onIdle">Called when nothing is pending or being sent, so the owner may drop this coalescer.</param>
    public ArrivalCoalescer(ArrivalPoller poller, ArrivalRequest template, Action onIdle)
    {
        Debug.Assert(template.Timeout is null, "Arrivals with a timeout are sent on their own.");
        _poller = poller;
        _template = template;
        _onIdle = onIdle;
    }

    /// <summary>Arrives one local participant; completes with its index, or fails as its own wait would.</summary>
    public Task<int> ArriveAsync(CancellationToken cancellationToken)
    {
        var local = new LocalArrival(this, cancellationToken);
        lock (_lock)
        {
            _pending.Add(local);
            QueueFlush();
        }

        // Registered outside the lock: an already-cancelled token runs the callback here and now.
        local.ListenForCancellation();
        return local.Task;
    }

    /// <summary>Sends what is pending on a thread-pool turn of its own, so every arrival made before that turn rides along.</summary>
    private void QueueFlush()
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
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
            // them: one turn of the queue with no new arrival ends the burst. No timer: an idle pool ends it at once.
            if (_pending.Count > _pendingAtLastLook && _pending.Count < _poller.Parties && _lookedAgain < MaxLooksAgain)
            {
                _pendingAtLastLook = _pending.Count;
                _lookedAgain++;
                ThreadPool.UnsafeQueueUserWorkItem(static self => self.Flush(), this, preferLocal: false);
                return;
            }

            _flushQueued = false;
            _pendingAtLastLook = 0;
            _lookedAgain = 0;
            var pending = _pending;
            _pending = [];

            // No arrival may stand for more than the party.
            for (var start = 0; start < pending.Count; start += _poller.Parties)
            {
                var members = pending.GetRange(start, Math.Min(_poller.Parties, pending.Count - start));
                var send = new CoalescedArrival(ArrivalId.New(), members);
                foreach (var member in members)
                {
                    member.Sent = send;
                }

                sends.Add(send);
            }

            _sending += sends.Count;
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
            var request = _template with { Id = send.Id, Units = send.Members.Count };
            outcome = await _poller.PollAsync(request, send.Withdrawal.Token, () => Volatile.Read(ref send.ConfirmedUnits));
        }
        catch (Exception exception)
        {
            failure = exception;
        }

        bool idle;
        lock (_lock)
        {
            _sending--;
            if (outcome is { } final)
            {
                Settle(send, final);
            }
            else
            {
                Fail(send, failure!);
            }

            QueueFlush();
            idle = _sending == 0 && _pending.Count == 0;
        }

        send.Withdrawal.Dispose();
        if (idle)
        {
            _onIdle();
        }
    }

    /// <summary>Fans a coalesced arrival's final outcome out to its members, once.</summary>
    private void Settle(CoalescedArrival send, ArrivalOutcome outcome)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
        if (send.Settled)
        {
            return;
        }

        send.Settled = true;
        var members = send.Members;
        if (outcome.Kind is not (ArrivalOutcomeKind.Released or ArrivalOutcomeKind.Cancelled))
        {
            foreach (var member in members)
            {
                member.Complete(outcome, send.Id, 0);
            }

            return;
        }

        // The barrier counted `admitted` of the members (fewer than there are when withdrawals or an overflow
        // left some out). Members that never asked to leave are counted first; a member whose withdrawal lost the
        // race to the release fills the rest. Indices follow local arrival order among those counted.
        var admitted = outcome.Kind == ArrivalOutcomeKind.Released ? Math.Max(outcome.Units, 1) : 0;
        Debug.Assert(admitted <= members.Count, "The barrier never counts more members than the arrival has.");
        var staying = members.Count(m => !m.Withdrawn);
        var withdrawnCounted = Math.Max(admitted - staying, 0);
        var index = 0;
        List<LocalArrival>? again = null;
        foreach (var member in members)
        {
            var counted = member.Withdrawn ? withdrawnCounted-- > 0 : index < admitted;
            if (counted)
            {
                member.Complete(outcome, send.Id, index++);
            }
            else if (member.Withdrawn)
            {
                member.Cancel();
            }
            else
            {
                // Still waiting but not counted: left over from a release completed by part of this arrival, or the
                // whole arrival was withdrawn for other members. Goes again, ahead of later arrivals.
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
        Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
        if (send.Settled)
        {
            return;
        }

        send.Settled = true;
        foreach (var member in send.Members)
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
                _pending.Insert(0, member);
            }
            else
            {
                member.Fail(failure);
            }
        }
    }

    /// <summary>A member asked to leave.</summary>
    private void Withdraw(LocalArrival member)
    {
        CoalescedArrival? send;
        int staying;
        lock (_lock)
        {
            if (member.Task.IsCompleted)
            {
                return;
            }

            send = member.Sent;
            if (send is null)
            {
                // Not sent yet: the barrier never heard of it.
                _pending.Remove(member);
                member.Cancel();
                return;
            }

            member.Withdrawn = true;
            staying = send.Members.Count(m => !m.Withdrawn);
            if (staying == 0)
            {
                if (send.WithdrawalRequested)
                {
                    return;
                }

                send.WithdrawalRequested = true;
            }
        }

        if (staying == 0)
        {
            // Nobody stays: withdraw the whole arrival through the poll loop, which retries and reports what the barrier decided.
            send.WithdrawWhole();
        }
        else
        {
            _ = ShrinkAsync(send, staying);
        }
    }

    /// <summary>Lowers a sent arrival to the members that stay; cancels the withdrawn ones once the barrier has agreed.</summary>
    private async Task ShrinkAsync(CoalescedArrival send, int staying)
    {
        ArrivalOutcome outcome;
        try
        {
            outcome = await _poller.WithdrawAsync(_template with { Id = send.Id }, staying);
        }
        catch (Exception)
        {
            // Unreachable or refused: withdraw the whole arrival instead (the poll loop retries that); those that
            // stay are sent again.
            send.WithdrawWhole();
            return;
        }

        lock (_lock)
        {
            if (send.Settled)
            {
                return;
            }

            if (outcome.Kind != ArrivalOutcomeKind.Pending)
            {
                // A release or break came first: it settles everyone, the withdrawn members included.
                Settle(send, outcome);
                return;
            }

            // The barrier now counts at most `staying` of this arrival's members; that many withdrawn ones have left.
            send.ConfirmedUnits = Math.Min(send.ConfirmedUnits, staying);
            for (var i = send.Members.Count - 1; i >= 0 && send.Members.Count > send.ConfirmedUnits; i--)
            {
                if (send.Members[i].Withdrawn)
                {
                    send.Members[i].Cancel();
                    send.Members.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>One coalesced arrival on the wire: the local participants it stands for, in local arrival order.</summary>
    private sealed class CoalescedArrival(ArrivalId id, List<LocalArrival> members)
    {
        /// <summary>The most members the barrier may count for this arrival; re-issued polls send it, so a re-attached arrival keeps its withdrawals.</summary>
        public int ConfirmedUnits = members.Count;

        public ArrivalId Id { get; } = id;

        public List<LocalArrival> Members { get; } = members;

        public CancellationTokenSource Withdrawal { get; } = new();

        public bool WithdrawalRequested { get; set; }

        public bool Settled { get; set; }

        /// <summary>Makes the poll loop withdraw the whole arrival; nothing to do if it has already finished.</summary>
        public void WithdrawWhole()
        {
            try
            {
                Withdrawal.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Settled meanwhile: every member already has its outcome.
            }
        }
    }

    /// <summary>One local participant's wait.</summary>
    private sealed class LocalArrival(ArrivalCoalescer owner, CancellationToken cancellationToken)
    {
        private readonly TaskCompletionSource<int> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private CancellationTokenRegistration _registration;

        public Task<int> Task => _completion.Task;

        /// <summary>The coalesced arrival that carries it, or null while it waits to be sent.</summary>
        public CoalescedArrival? Sent { get; set; }

        /// <summary>Cancelled after it was sent: it leaves unless the barrier released or broke first.</summary>
        public bool Withdrawn { get; set; }

        public void ListenForCancellation()
        {
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(static state => ((LocalArrival)state!).OnCancelled(), this);
            }
        }

        public void Complete(ArrivalOutcome outcome, ArrivalId arrival, int offset)
        {
            try
            {
                Finish(_completion.TrySetResult(owner._poller.IndexOrThrow(outcome, arrival, offset, cancellationToken)));
            }
            catch (Exception exception)
            {
                Fail(exception);
            }
        }

        public void Cancel() => Finish(_completion.TrySetCanceled(cancellationToken));

        public void Fail(Exception exception)
            => Finish(exception is OperationCanceledException ? _completion.TrySetCanceled(cancellationToken) : _completion.TrySetException(exception));

        private void OnCancelled() => owner.Withdraw(this);

        private void Finish(bool finished)
        {
            if (finished)
            {
                // Not disposed: disposing from inside the token's own callback would wait for itself.
                _registration.Unregister();
            }
        }
    }
}

using System.Diagnostics;

namespace Orleans.Barrier;

// Members that leave a coalesced arrival before its outcome: withdrawn (cancelled, or evicted at a shard) or reported
// lost. The arrival is lowered to those who stay in the barrier's turn, which also says whether a release came first.
internal sealed partial class ArrivalCoalescer
{
    /// <summary>
    /// Under the lock, for a member that is leaving: the arrival that carries it to the barrier, or null if it has
    /// already finished, or was not sent yet (it just leaves then: the barrier never heard of it).
    /// </summary>
    private CoalescedArrival? CarrierOfLeaving(LocalArrival member)
    {
        AssertInvariants();
        if (member.Task.IsCompleted)
        {
            return null;
        }

        if (member.Sent is null)
        {
            _pending.Remove(member);
            member.Cancel();
        }

        return member.Sent;
    }

    /// <summary>A member asked to leave.</summary>
    internal void Withdraw(LocalArrival member)
    {
        CoalescedArrival? send;
        LocalArrival[] staying;
        lock (_lock)
        {
            send = CarrierOfLeaving(member);
            if (send is null)
            {
                return;
            }

            member.Withdrawn = true;
            staying = [.. send.LastSent.Where(m => !m.Withdrawn)];

            // Its deadline may be the arrival's, which a lowered arrival would keep: withdraw the whole arrival, and
            // the others go again with their own deadlines.
            if (member.Deadline is not null)
            {
                staying = [];
            }

            if (staying.Length == 0)
            {
                if (send.WithdrawalRequested)
                {
                    return;
                }

                send.WithdrawalRequested = true;
            }
            else if (staying.Length < send.LastSent.Length)
            {
                send.Lists[staying.Length] = staying;
                Volatile.Write(ref send.LastSent, staying);
            }
            else
            {
                return;
            }
        }

        if (staying.Length == 0)
        {
            // Nobody stays: withdraw the whole arrival through the poll loop, which retries and reports what the barrier decided.
            send.WithdrawWhole();
        }
        else
        {
            _ = ShrinkAsync(send, staying);
        }
    }

    /// <summary>A member was lost where it waited: the barrier breaks naming it if it counts it; one never sent just leaves.</summary>
    internal void Lose(LocalArrival member)
    {
        CoalescedArrival? send;
        lock (_lock)
        {
            send = CarrierOfLeaving(member);
        }

        if (send is not null)
        {
            _ = ReportLostAsync(send, member);
        }
    }

    private async Task ReportLostAsync(CoalescedArrival send, LocalArrival member)
    {
        ArrivalOutcome outcome;
        try
        {
            outcome = await _poller.LoseAsync(send.Id, [member.Member!]);
        }
        catch (Exception)
        {
            // The report did not get through: withdraw the member instead, so that at least it is never counted.
            Withdraw(member);
            return;
        }

        lock (_lock)
        {
            if (outcome.Kind != ArrivalOutcomeKind.Pending)
            {
                // The break it caused, or the release or break that came first: either settles every member.
                Settle(send, outcome);
            }
        }
    }

    /// <summary>Lowers a sent arrival to the members that stay; cancels the others once the barrier has agreed.</summary>
    private async Task ShrinkAsync(CoalescedArrival send, LocalArrival[] staying)
    {
        ArrivalOutcome outcome;
        try
        {
            outcome = await _poller.WithdrawAsync(_template with { Id = send.Id, MemberIds = IdsOf(staying) }, staying.Length, NamesOf(staying));
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

            // The barrier holds at most these members now (lists only shrink): everyone else has left.
            foreach (var member in send.All)
            {
                if (!member.Task.IsCompleted && Array.IndexOf(staying, member) < 0)
                {
                    Debug.Assert(member.Withdrawn, "Only withdrawn members are left out of a lowered list.");
                    member.Cancel();
                }
            }
        }
    }
}

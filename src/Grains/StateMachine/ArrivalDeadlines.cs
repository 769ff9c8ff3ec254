using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// The timeouts and leases of a barrier's waiting arrivals: schedules them, renews leases on re-issued polls, and
/// acts on those that passed. A lease that runs out under <see cref="ParticipantLossPolicy.Evict"/> evicts its
/// arrival here; anything that breaks the barrier is handed back to the rules as an <see cref="OverdueBreak"/>.
/// </summary>
[DebuggerDisplay("{Count} deadlines queued")]
internal sealed class ArrivalDeadlines
{
    private readonly DeadlineQueue<ScheduledDeadline> _schedule;
    private readonly ArrivalLedger _ledger;

    /// <summary>Keeps the deadlines of the arrivals waiting in <paramref name="ledger"/>.</summary>
    public ArrivalDeadlines(ArrivalLedger ledger)
    {
        _ledger = ledger;
        _schedule = new(IsCurrent);
    }

    /// <summary>The earliest moment a waiting arrival times out or its lease runs out, or <see langword="null"/> if none can.</summary>
    public DateTimeOffset? Next => _schedule.Next;

    /// <summary>Entries queued, stale ones included; stays proportional to the waiting arrivals however often leases are renewed.</summary>
    public int Count => _schedule.Count;

    /// <summary>The moment a span of <paramref name="span"/> from <paramref name="now"/> runs out; null for no limit or beyond the calendar.</summary>
    public static DateTimeOffset? After(DateTimeOffset now, TimeSpan? span)
    {
        if (span is not { } t || t == Timeout.InfiniteTimeSpan)
        {
            return null;
        }

        Debug.Assert(t >= TimeSpan.Zero, "Callers validate timeouts and leases.");
        return t < DateTimeOffset.MaxValue - now ? now + t : null;
    }

    /// <summary>Schedules a newly waiting arrival's timeout and lease.</summary>
    public void Schedule(WaitingArrival waiting)
    {
        Debug.Assert(_ledger.IsWaiting(waiting.Id), "Only waiting arrivals have deadlines.");
        if (waiting.TimeoutAt is { } timeoutAt)
        {
            _schedule.Add(new ScheduledDeadline(waiting.Id, DeadlineKind.Timeout, timeoutAt), timeoutAt);
        }

        if (waiting.LeaseExpiresAt is { } leaseExpiresAt)
        {
            _schedule.Add(new ScheduledDeadline(waiting.Id, DeadlineKind.Lease, leaseExpiresAt), leaseExpiresAt);
        }
    }

    /// <summary>A re-issued poll of a waiting arrival: its lease runs from <paramref name="now"/> again.</summary>
    public void Renew(WaitingArrival waiting, DateTimeOffset now)
    {
        if (waiting.Terms.Lease is null || After(now, waiting.Terms.Lease) is not { } expiresAt || expiresAt == waiting.LeaseExpiresAt)
        {
            return;
        }

        waiting.LeaseExpiresAt = expiresAt;
        _schedule.Add(new ScheduledDeadline(waiting.Id, DeadlineKind.Lease, expiresAt), expiresAt);

        // Each renewal leaves the old entry behind until it reaches the head.
        _schedule.CompactForLive(_ledger.Count);
    }

    /// <summary>Drops every deadline, when the ledger has been emptied.</summary>
    public void Clear() => _schedule.Clear();

    /// <summary>
    /// Applies every deadline that has passed by <paramref name="now"/>, earliest first, up to the first that breaks
    /// the barrier: evicts arrivals whose leases ran out under <see cref="ParticipantLossPolicy.Evict"/> (adding them to
    /// <paramref name="completions"/>), and collects every lost participant under the break policy so the break names
    /// them all. Returns what breaks the barrier, or null; the earliest cause names the break.
    /// </summary>
    public OverdueBreak? ApplyOverdue(DateTimeOffset now, long phase, ref List<ArrivalCompletion>? completions)
    {
        List<string>? lost = null;
        while (_schedule.TryPeek(out var deadline, out var at) && at <= now)
        {
            if (deadline.Kind == DeadlineKind.Timeout)
            {
                // A lease that ran out before this timeout wins.
                if (lost is null)
                {
                    return new OverdueBreak(BrokenBarrierReason.Timeout, null);
                }

                break;
            }

            _schedule.Pop();
            _ledger.TryGetWaiting(deadline.Arrival, out var waiting);
            if (waiting.Terms.OnLost == ParticipantLossPolicy.Evict)
            {
                // Removed at once, so its own timeout, still queued, goes stale and cannot break the barrier.
                _ledger.Remove(deadline.Arrival);
                var evicted = ArrivalResult.Evicted(phase);
                _ledger.Remember(deadline.Arrival, evicted, now);
                completions ??= [];
                completions.Add(new ArrivalCompletion(deadline.Arrival, evicted));
            }
            else
            {
                // Leave it waiting until every lease that ran out by now is collected, so the break names them all.
                waiting.LeaseExpiresAt = null;
                lost ??= [];
                foreach (var name in waiting.Names)
                {
                    if (!lost.Contains(name))
                    {
                        lost.Add(name);
                    }
                }
            }
        }

        return lost is null ? null : new OverdueBreak(BrokenBarrierReason.ParticipantLost, lost);
    }

    private bool IsCurrent(ScheduledDeadline deadline)
        => _ledger.TryGetWaiting(deadline.Arrival, out var waiting)
            && (deadline.Kind == DeadlineKind.Timeout ? waiting.TimeoutAt : waiting.LeaseExpiresAt) == deadline.At;
}

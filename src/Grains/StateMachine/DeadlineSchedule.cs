using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// The barrier's deadlines (wait timeouts and leases) in time order. Leases move on every re-issued poll, so entries
/// are never searched for and removed: a moved or finished deadline stays queued and is dropped when it reaches the
/// head and its owner says it is stale (lazy deletion). That keeps a renewal O(log n) for any number of waiters.
/// </summary>
[DebuggerDisplay("{Count} deadlines queued")]
internal sealed class DeadlineSchedule
{
    private readonly PriorityQueue<ScheduledDeadline, DateTimeOffset> _queue = new();

    /// <summary>Entries queued, stale ones included.</summary>
    public int Count => _queue.Count;

    /// <summary>Queues a deadline.</summary>
    public void Add(ScheduledDeadline deadline) => _queue.Enqueue(deadline, deadline.At);

    /// <summary>The earliest deadline that is still current, dropping stale ones on the way; false if none is left.</summary>
    public bool TryPeek(Func<ScheduledDeadline, bool> isCurrent, out ScheduledDeadline deadline)
    {
        while (_queue.TryPeek(out deadline, out _))
        {
            if (isCurrent(deadline))
            {
                return true;
            }

            _queue.Dequeue();
        }

        return false;
    }

    /// <summary>Removes the head, which the caller just peeked.</summary>
    public void Pop() => _queue.Dequeue();

    /// <summary>Drops every entry.</summary>
    public void Clear() => _queue.Clear();

    /// <summary>Rebuilds the queue from the current entries only, when stale ones have piled up behind the head.</summary>
    public void Compact(Func<ScheduledDeadline, bool> isCurrent)
    {
        var current = _queue.UnorderedItems.Where(item => isCurrent(item.Element)).ToList();
        _queue.Clear();
        _queue.EnqueueRange(current);
    }
}

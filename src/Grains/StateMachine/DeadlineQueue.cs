using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// Things that fall due, in time order: wait timeouts, leases, held polls' expiries. Deadlines move often (a lease on
/// every re-issued poll) or stop mattering (a poll answered early), so entries are never searched for and removed: a
/// moved or finished entry stays queued and is dropped when it reaches the head and its owner says it is no longer
/// current (lazy deletion). That keeps a move O(log n) for any number of waiters; <see cref="CompactIfOver"/> keeps the
/// queue from piling up stale entries behind a distant head.
/// </summary>
/// <typeparam name="T">What falls due.</typeparam>
[DebuggerDisplay("{Count} queued")]
internal sealed class DeadlineQueue<T>
{
    private readonly PriorityQueue<T, DateTimeOffset> _queue = new();
    private readonly Func<T, bool> _isCurrent;

    /// <summary>Creates an empty queue.</summary>
    /// <param name="isCurrent">Whether an entry still stands; asked only of entries at the head and when compacting.</param>
    public DeadlineQueue(Func<T, bool> isCurrent)
    {
        ArgumentNullException.ThrowIfNull(isCurrent);
        _isCurrent = isCurrent;
    }

    /// <summary>Entries queued, stale ones included.</summary>
    public int Count => _queue.Count;

    /// <summary>When the earliest current entry falls due, or null if none is left.</summary>
    public DateTimeOffset? Next => TryPeek(out _, out var at) ? at : null;

    /// <summary>Queues <paramref name="item"/> to fall due at <paramref name="at"/>.</summary>
    public void Add(T item, DateTimeOffset at) => _queue.Enqueue(item, at);

    /// <summary>The earliest entry that is still current, dropping stale ones on the way; false if none is left.</summary>
    public bool TryPeek(out T item, out DateTimeOffset at)
    {
        while (_queue.TryPeek(out item!, out at))
        {
            if (_isCurrent(item))
            {
                return true;
            }

            _queue.Dequeue();
        }

        return false;
    }

    /// <summary>Removes the head, which the caller just peeked.</summary>
    public void Pop()
    {
        Debug.Assert(_queue.Count > 0, "Pop follows a successful peek.");
        _queue.Dequeue();
    }

    /// <summary>Takes the earliest current entry due by <paramref name="through"/>, dropping stale ones on the way; false if none is due.</summary>
    public bool TryTakeDue(DateTimeOffset through, out T item)
    {
        while (_queue.TryPeek(out item!, out var at) && at <= through)
        {
            _queue.Dequeue();
            if (_isCurrent(item))
            {
                return true;
            }
        }

        item = default!;
        return false;
    }

    /// <summary>Drops every entry.</summary>
    public void Clear() => _queue.Clear();

    /// <summary>
    /// After a deadline moved (a lease renewed), drops the entries it left behind once they outnumber the
    /// <paramref name="live"/> ones more than four to one: the one bound every owner of moving deadlines uses, so the
    /// queue stays proportional to what it holds however often entries move.
    /// </summary>
    /// <param name="live">How many owners the queue holds deadlines for now.</param>
    public void CompactForLive(int live) => CompactIfOver((4 * live) + 64);

    /// <summary>Rebuilds the queue from the current entries only, if more than <paramref name="most"/> are queued.</summary>
    /// <remarks>Callers pass a bound proportional to what they hold, so the queue stays proportional too however often entries move.</remarks>
    public void CompactIfOver(int most)
    {
        if (_queue.Count <= most)
        {
            return;
        }

        var current = _queue.UnorderedItems.Where(entry => _isCurrent(entry.Element)).ToList();
        _queue.Clear();
        _queue.EnqueueRange(current);
    }
}

using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// The wait polls a barrier grain (or a shard) is holding open: one completion source per arrival (its re-issued polls
/// share it), woken with the arrival's final result, or with "pending" when the poll has been held long enough. Expiries
/// sit in one <see cref="DeadlineQueue{T}"/> that the grain's single timer drains, instead of a timer per held poll: with
/// thousands of waiters that is thousands of timers fewer to create, arm and cancel for every phase.
/// </summary>
/// <remarks>
/// An expiry entry is current while its arrival's completion source is still the one it was queued with and has
/// not completed; anything else is stale and dropped when it reaches the head (lazy deletion).
/// </remarks>
[DebuggerDisplay("{Count} arrivals held")]
internal sealed class HeldPolls<TResult>
{
    private readonly Dictionary<ArrivalId, TaskCompletionSource<TResult>> _byArrival = [];
    private readonly DeadlineQueue<(ArrivalId Arrival, TaskCompletionSource<TResult> Poll)> _expiries;

    /// <summary>Creates an empty set of held polls.</summary>
    public HeldPolls() => _expiries = new(IsCurrent);

    /// <summary>Arrivals with a poll held.</summary>
    public int Count => _byArrival.Count;

    /// <summary>Expiry entries queued, stale ones included.</summary>
    public int QueuedExpiries => _expiries.Count;

    /// <summary>The earliest moment a held poll is due to be answered "pending", or null if none is held.</summary>
    public DateTimeOffset? NextExpiry => _expiries.Next;

    /// <summary>The completion source the polls of <paramref name="arrival"/> wait on, made if there is none.</summary>
    public TaskCompletionSource<TResult> GetOrAdd(ArrivalId arrival)
    {
        if (!_byArrival.TryGetValue(arrival, out var poll))
        {
            poll = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _byArrival.Add(arrival, poll);
        }

        return poll;
    }

    /// <summary>Answers <paramref name="poll"/> "pending" at <paramref name="at"/> unless its arrival completes first.</summary>
    public void ExpireAt(ArrivalId arrival, TaskCompletionSource<TResult> poll, DateTimeOffset at)
    {
        _expiries.Add((arrival, poll), at);

        // Released polls leave their entries behind until those reach the head, a whole poll interval later; at
        // hundreds of releases a second that would pile up. Keep the queue proportional to the polls held.
        _expiries.CompactIfOver((2 * _byArrival.Count) + 64);
    }

    /// <summary>Wakes the polls of an arrival with its final result.</summary>
    public void Complete(ArrivalId arrival, TResult result)
    {
        if (_byArrival.Remove(arrival, out var poll))
        {
            poll.TrySetResult(result);
        }
    }

    /// <summary>Fails the polls of an arrival that could not get a final result (its barrier refused it, or could not be reached).</summary>
    public void Fail(ArrivalId arrival, Exception exception)
    {
        if (_byArrival.Remove(arrival, out var poll))
        {
            poll.TrySetException(exception);
        }
    }

    /// <summary>Answers every poll due by <paramref name="through"/> with <paramref name="pending"/>; their participants re-issue them.</summary>
    public void ExpireDue(DateTimeOffset through, TResult pending)
    {
        while (_expiries.TryTakeDue(through, out var held))
        {
            _byArrival.Remove(held.Arrival);
            held.Poll.TrySetResult(pending);
        }
    }

    /// <summary>Fails every held poll, as when the activation steps aside.</summary>
    public void FailAll(Exception exception)
    {
        foreach (var poll in _byArrival.Values)
        {
            poll.TrySetException(exception);
        }

        _byArrival.Clear();
        _expiries.Clear();
    }

    private bool IsCurrent((ArrivalId Arrival, TaskCompletionSource<TResult> Poll) held)
        => !held.Poll.Task.IsCompleted && _byArrival.TryGetValue(held.Arrival, out var poll) && ReferenceEquals(poll, held.Poll);
}

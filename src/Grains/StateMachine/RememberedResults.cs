using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// Final results kept for a while after the fact, so that a re-issued poll whose previous answer was lost in transit
/// still gets its answer instead of counting as a new arrival. Bounded in time (the retention) and in number.
/// </summary>
/// <typeparam name="TResult">What is remembered per arrival.</typeparam>
[DebuggerDisplay("{Count} results remembered")]
internal sealed class RememberedResults<TResult>
{
    private readonly Dictionary<ArrivalId, TResult> _byArrival = [];
    private readonly Queue<(ArrivalId Arrival, DateTimeOffset FinishedAt)> _order = new();
    private readonly TimeSpan _retention;

    // Retention alone would let memory grow with throughput (a barrier doing 15,000 arrivals/s remembers 1.8 million
    // results over two minutes). A re-issued poll only needs recent results, so keep at most this many.
    private int _most;

    /// <summary>Creates an empty memory.</summary>
    /// <param name="retention">How long a result is remembered.</param>
    /// <param name="most">The most results remembered at once; the oldest goes first.</param>
    public RememberedResults(TimeSpan retention, int most)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retention, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(most, 1);
        _retention = retention;
        _most = most;
    }

    /// <summary>Results remembered now.</summary>
    public int Count => _byArrival.Count;

    /// <summary>Remembers the result of <paramref name="arrival"/> from <paramref name="now"/>; the first result remembered for an arrival stands.</summary>
    public void Remember(ArrivalId arrival, TResult result, DateTimeOffset now)
    {
        Debug.Assert(_order.Count == _byArrival.Count, "Every remembered result is queued for forgetting exactly once.");
        if (_byArrival.TryAdd(arrival, result))
        {
            _order.Enqueue((arrival, now));
            if (_byArrival.Count > _most)
            {
                _byArrival.Remove(_order.Dequeue().Arrival);
            }
        }
    }

    /// <summary>The remembered result of <paramref name="arrival"/>, if any.</summary>
    public bool TryGet(ArrivalId arrival, out TResult result) => _byArrival.TryGetValue(arrival, out result!);

    /// <summary>Keeps at least <paramref name="most"/> results from now on (a larger party was seen); never lowers the bound.</summary>
    public void RaiseLimit(int most) => _most = Math.Max(_most, most);

    /// <summary>Forgets every result older than the retention as of <paramref name="now"/>.</summary>
    public void ForgetExpired(DateTimeOffset now)
    {
        while (_order.TryPeek(out var oldest) && now - oldest.FinishedAt > _retention)
        {
            _order.Dequeue();
            _byArrival.Remove(oldest.Arrival);
        }
    }
}

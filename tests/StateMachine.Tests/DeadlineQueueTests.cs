using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>The lazy-deletion deadline queue on its own: time order, stale entries dropped at the head, taking what is due, and compaction.</summary>
public sealed class DeadlineQueueTests
{
    private static readonly ArrivalId Owner = ArrivalId.New();

    // What the tests mark stale; the queue asks its owner, as the machine, the shard and the held polls do.
    private readonly HashSet<ScheduledDeadline> _stale = [];

    [Fact]
    public void TryPeek_WhenEmpty_ReturnsFalse()
    {
        var queue = NewQueue();

        Assert.False(queue.TryPeek(out _, out _));
        Assert.Null(queue.Next);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void TryPeek_WithDeadlinesAddedOutOfOrder_ReturnsTheEarliest()
    {
        var queue = NewQueue();
        var early = At(2, DeadlineKind.Lease);
        Add(queue, At(5, DeadlineKind.Timeout));
        Add(queue, early);
        Add(queue, At(9, DeadlineKind.Lease));

        Assert.True(queue.TryPeek(out var head, out var at));

        Assert.Equal(early, head);
        Assert.Equal(early.At, at);
        Assert.Equal(early.At, queue.Next);
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public void Pop_AfterPeek_RemovesTheHeadSoTheNextEarliestComes()
    {
        var queue = NewQueue();
        var seconds = new[] { 7, 3, 5, 1 };
        foreach (var s in seconds)
        {
            Add(queue, At(s, DeadlineKind.Timeout));
        }

        var order = new List<DateTimeOffset>();
        while (queue.TryPeek(out var head, out _))
        {
            order.Add(head.At);
            queue.Pop();
        }

        Assert.Equal(seconds.Order().Select(s => T0 + TimeSpan.FromSeconds(s)), order);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void TryPeek_WithStaleEntriesAtTheHead_DropsThemAndReturnsTheFirstCurrentOne()
    {
        var queue = NewQueue();
        _stale.UnionWith([At(1, DeadlineKind.Lease), At(2, DeadlineKind.Lease)]);
        var current = At(3, DeadlineKind.Timeout);
        foreach (var deadline in _stale)
        {
            Add(queue, deadline);
        }

        Add(queue, current);
        Add(queue, At(4, DeadlineKind.Lease));

        Assert.True(queue.TryPeek(out var head, out _));

        Assert.Equal(current, head);
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void TryPeek_WithOnlyStaleEntries_ReturnsFalseAndEmptiesTheQueue()
    {
        var queue = NewQueue();
        Add(queue, Stale(At(1, DeadlineKind.Lease)));
        Add(queue, Stale(At(2, DeadlineKind.Timeout)));

        Assert.False(queue.TryPeek(out _, out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void TryPeek_WithAStaleEntryBehindACurrentHead_LeavesItQueued()
    {
        // Lazy deletion only looks at the head; what lies behind it waits for compaction or its turn.
        var queue = NewQueue();
        Add(queue, At(1, DeadlineKind.Timeout));
        Add(queue, Stale(At(5, DeadlineKind.Lease)));

        Assert.True(queue.TryPeek(out _, out _));

        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void TryTakeDue_TakesCurrentEntriesDueInTimeOrderAndSkipsStaleOnes()
    {
        var queue = NewQueue();
        Add(queue, At(3, DeadlineKind.Lease));
        Add(queue, Stale(At(1, DeadlineKind.Lease)));
        Add(queue, At(2, DeadlineKind.Timeout));
        Add(queue, At(9, DeadlineKind.Lease));

        var taken = new List<ScheduledDeadline>();
        while (queue.TryTakeDue(T0.AddSeconds(5), out var due))
        {
            taken.Add(due);
        }

        Assert.Equal([At(2, DeadlineKind.Timeout), At(3, DeadlineKind.Lease)], taken);
        Assert.Equal(1, queue.Count);
        Assert.Equal(T0.AddSeconds(9), queue.Next);
    }

    [Fact]
    public void TryTakeDue_NothingDueYet_TakesNothingAndKeepsTheEntries()
    {
        var queue = NewQueue();
        Add(queue, At(4, DeadlineKind.Lease));

        Assert.False(queue.TryTakeDue(T0.AddSeconds(3), out _));

        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void CompactIfOver_KeepsOnlyCurrentEntriesInTimeOrder()
    {
        var queue = NewQueue();
        var current = new[] { At(8, DeadlineKind.Lease), At(2, DeadlineKind.Timeout), At(5, DeadlineKind.Lease) };
        for (var s = 1; s <= 20; s++)
        {
            Add(queue, Stale(At(s, DeadlineKind.Lease) with { Arrival = ArrivalId.New() }));
        }

        foreach (var deadline in current)
        {
            Add(queue, deadline);
        }

        queue.CompactIfOver(10);

        Assert.Equal(3, queue.Count);
        var order = new List<ScheduledDeadline>();
        while (queue.TryPeek(out var head, out _))
        {
            order.Add(head);
            queue.Pop();
        }

        Assert.Equal(current.OrderBy(d => d.At), order);
    }

    [Fact]
    public void CompactIfOver_WithinTheBound_LeavesStaleEntriesQueued()
    {
        var queue = NewQueue();
        Add(queue, At(1, DeadlineKind.Lease));
        Add(queue, Stale(At(2, DeadlineKind.Lease)));

        queue.CompactIfOver(2);

        Assert.Equal(2, queue.Count);
    }

    [Theory]
    [InlineData(1, 68, 68)]
    [InlineData(1, 69, 1)]
    [InlineData(10, 104, 104)]
    [InlineData(10, 105, 10)]
    public void CompactForLive_DropsLeftBehindEntriesOnlyPastFourPerLiveOnePlus64(int live, int queued, int left)
    {
        var queue = NewQueue();
        for (var i = 0; i < live; i++)
        {
            Add(queue, At(i + 1, DeadlineKind.Lease) with { Arrival = ArrivalId.New() });
        }

        for (var i = live; i < queued; i++)
        {
            Add(queue, Stale(At(i + 1, DeadlineKind.Lease) with { Arrival = ArrivalId.New() }));
        }

        queue.CompactForLive(live);

        Assert.Equal(left, queue.Count);
    }

    [Fact]
    public void Clear_DropsEveryEntry()
    {
        var queue = NewQueue();
        Add(queue, At(1, DeadlineKind.Lease));
        Add(queue, At(2, DeadlineKind.Timeout));

        queue.Clear();

        Assert.Equal(0, queue.Count);
        Assert.False(queue.TryPeek(out _, out _));
    }

    private DeadlineQueue<ScheduledDeadline> NewQueue() => new(d => !_stale.Contains(d));

    private static void Add(DeadlineQueue<ScheduledDeadline> queue, ScheduledDeadline deadline) => queue.Add(deadline, deadline.At);

    private ScheduledDeadline Stale(ScheduledDeadline deadline)
    {
        _stale.Add(deadline);
        return deadline;
    }

    private static ScheduledDeadline At(int seconds, DeadlineKind kind) => new(Owner, kind, T0 + TimeSpan.FromSeconds(seconds));
}

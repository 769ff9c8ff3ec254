using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>The deadline schedule on its own: time order, lazy deletion of stale entries, and compaction.</summary>
public sealed class DeadlineScheduleTests
{
    private static readonly Func<ScheduledDeadline, bool> AllCurrent = _ => true;
    private static readonly ArrivalId Owner = ArrivalId.New();

    [Fact]
    public void TryPeek_WhenEmpty_ReturnsFalse()
    {
        var schedule = new DeadlineSchedule();

        Assert.False(schedule.TryPeek(AllCurrent, out _));
        Assert.Equal(0, schedule.Count);
    }

    [Fact]
    public void TryPeek_WithDeadlinesAddedOutOfOrder_ReturnsTheEarliest()
    {
        var schedule = new DeadlineSchedule();
        var early = At(2, DeadlineKind.Lease);
        schedule.Add(At(5, DeadlineKind.Timeout));
        schedule.Add(early);
        schedule.Add(At(9, DeadlineKind.Lease));

        Assert.True(schedule.TryPeek(AllCurrent, out var head));

        Assert.Equal(early, head);
        Assert.Equal(3, schedule.Count);
    }

    [Fact]
    public void Pop_AfterPeek_RemovesTheHeadSoTheNextEarliestComes()
    {
        var schedule = new DeadlineSchedule();
        var seconds = new[] { 7, 3, 5, 1 };
        foreach (var s in seconds)
        {
            schedule.Add(At(s, DeadlineKind.Timeout));
        }

        var order = new List<DateTimeOffset>();
        while (schedule.TryPeek(AllCurrent, out var head))
        {
            order.Add(head.At);
            schedule.Pop();
        }

        Assert.Equal(seconds.Order().Select(s => T0 + TimeSpan.FromSeconds(s)), order);
        Assert.Equal(0, schedule.Count);
    }

    [Fact]
    public void TryPeek_WithStaleEntriesAtTheHead_DropsThemAndReturnsTheFirstCurrentOne()
    {
        var schedule = new DeadlineSchedule();
        var stale = new HashSet<ScheduledDeadline> { At(1, DeadlineKind.Lease), At(2, DeadlineKind.Lease) };
        var current = At(3, DeadlineKind.Timeout);
        foreach (var deadline in stale)
        {
            schedule.Add(deadline);
        }

        schedule.Add(current);
        schedule.Add(At(4, DeadlineKind.Lease));

        Assert.True(schedule.TryPeek(d => !stale.Contains(d), out var head));

        Assert.Equal(current, head);
        Assert.Equal(2, schedule.Count);
    }

    [Fact]
    public void TryPeek_WithOnlyStaleEntries_ReturnsFalseAndEmptiesTheQueue()
    {
        var schedule = new DeadlineSchedule();
        schedule.Add(At(1, DeadlineKind.Lease));
        schedule.Add(At(2, DeadlineKind.Timeout));

        Assert.False(schedule.TryPeek(_ => false, out _));
        Assert.Equal(0, schedule.Count);
    }

    [Fact]
    public void TryPeek_WithAStaleEntryBehindACurrentHead_LeavesItQueued()
    {
        // Lazy deletion only looks at the head; what lies behind it waits for compaction or its turn.
        var schedule = new DeadlineSchedule();
        var stale = At(5, DeadlineKind.Lease);
        schedule.Add(At(1, DeadlineKind.Timeout));
        schedule.Add(stale);

        Assert.True(schedule.TryPeek(d => d != stale, out _));

        Assert.Equal(2, schedule.Count);
    }

    [Fact]
    public void Compact_KeepsOnlyCurrentEntriesInTimeOrder()
    {
        var schedule = new DeadlineSchedule();
        var current = new[] { At(8, DeadlineKind.Lease), At(2, DeadlineKind.Timeout), At(5, DeadlineKind.Lease) };
        for (var s = 1; s <= 20; s++)
        {
            schedule.Add(At(s, DeadlineKind.Lease) with { Arrival = ArrivalId.New() });
        }

        foreach (var deadline in current)
        {
            schedule.Add(deadline);
        }

        schedule.Compact(d => current.Contains(d));

        Assert.Equal(3, schedule.Count);
        var order = new List<ScheduledDeadline>();
        while (schedule.TryPeek(AllCurrent, out var head))
        {
            order.Add(head);
            schedule.Pop();
        }

        Assert.Equal(current.OrderBy(d => d.At), order);
    }

    [Fact]
    public void Clear_DropsEveryEntry()
    {
        var schedule = new DeadlineSchedule();
        schedule.Add(At(1, DeadlineKind.Lease));
        schedule.Add(At(2, DeadlineKind.Timeout));

        schedule.Clear();

        Assert.Equal(0, schedule.Count);
        Assert.False(schedule.TryPeek(AllCurrent, out _));
    }

    private static ScheduledDeadline At(int seconds, DeadlineKind kind) => new(Owner, kind, T0 + TimeSpan.FromSeconds(seconds));
}

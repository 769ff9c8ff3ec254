using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Arrival timeouts: deadlines, <see cref="BarrierStateMachine.AdvanceTime"/>, and breaking with <see cref="BrokenBarrierReason.Timeout"/>.</summary>
public sealed class TimeoutTests
{
    private static readonly TimeSpan FiveSeconds = TimeSpan.FromSeconds(5);

    [Fact]
    public void Arrive_WithTimeout_SetsNextDeadlineToNowPlusTimeout()
    {
        var machine = NewMachine(3);

        var transition = machine.Arrive(ArrivalId.New(), FiveSeconds, T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(T0 + FiveSeconds, machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WithTimeout_DeadlineCountsFromTheArrivalsOwnTime()
    {
        var machine = NewMachine(3);
        var arrivedAt = T0 + TimeSpan.FromSeconds(3);

        machine.Arrive(ArrivalId.New(), FiveSeconds, arrivedAt);

        Assert.Equal(arrivedAt + FiveSeconds, machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WithoutTimeout_LeavesNextDeadlineNull()
    {
        var machine = NewMachine(3);

        machine.Arrive(ArrivalId.New(), null, T0);

        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WithLaterDeadlineThanCurrent_KeepsTheEarlierOne()
    {
        var machine = NewMachine(4);
        machine.Arrive(ArrivalId.New(), FiveSeconds, T0);

        machine.Arrive(ArrivalId.New(), TimeSpan.FromSeconds(60), T0);
        machine.Arrive(ArrivalId.New(), null, T0);

        Assert.Equal(T0 + FiveSeconds, machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WithEarlierDeadlineThanCurrent_MovesNextDeadlineEarlier()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), TimeSpan.FromSeconds(60), T0);

        machine.Arrive(ArrivalId.New(), FiveSeconds, T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(T0 + TimeSpan.FromSeconds(6), machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WaitingIdReissuedWithAnotherTimeout_KeepsTheFirstDeadline()
    {
        // The timeout counts from when the arrival is first seen; a re-issued poll does not move it.
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, FiveSeconds, T0);

        var reissue = machine.Arrive(a, TimeSpan.Zero, T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(ArrivalResult.Pending(0), reissue.Result);
        Assert.Equal(T0 + FiveSeconds, machine.NextDeadline);
        Assert.Equal(BarrierState.Filling, machine.State);
    }

    [Fact]
    public void AdvanceTime_BeforeTheDeadline_DoesNothing()
    {
        var machine = NewMachine(3);
        var ids = NewIds(2);
        ArriveAll(machine, ids, T0, FiveSeconds);

        var transition = machine.AdvanceTime(T0 + FiveSeconds - TimeSpan.FromTicks(1));

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(ids, machine.WaitingArrivals);
        Assert.Equal(T0 + FiveSeconds, machine.NextDeadline);
    }

    [Fact]
    public void AdvanceTime_WithNoDeadline_DoesNothingEvenMuchLater()
    {
        var machine = NewMachine(3);
        ArriveAll(machine, NewIds(2), T0);

        var transition = machine.AdvanceTime(T0 + TimeSpan.FromDays(365));

        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(2, machine.Waiting);
    }

    [Fact]
    public void AdvanceTime_ExactlyAtTheDeadline_BreaksWithTimeoutForEveryWaiter()
    {
        // Only the first arrival has a timeout; its expiry breaks the barrier for everyone.
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        machine.Arrive(a, FiveSeconds, T0);
        machine.Arrive(b, null, T0);
        machine.Arrive(c, TimeSpan.FromMinutes(1), T0);

        var transition = machine.AdvanceTime(T0 + FiveSeconds);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal([a, b, c], Completed(transition));
        Assert.All(transition.Completions, x => Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), x.Result));
    }

    [Fact]
    public void AdvanceTime_AtTheDeadline_LeavesABrokenBarrierWithNoWaitersOrDeadline()
    {
        var machine = NewMachine(3);
        ArriveAll(machine, NewIds(2), T0, FiveSeconds);

        machine.AdvanceTime(T0 + FiveSeconds);

        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.Timeout, machine.BrokenReason);
        Assert.Equal(0, machine.Waiting);
        Assert.Null(machine.NextDeadline);
        Assert.Equal(0, machine.Phase);
    }

    [Fact]
    public void AdvanceTime_AfterTheDeadline_BreaksWithTimeout()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, FiveSeconds, T0);

        var transition = machine.AdvanceTime(T0 + TimeSpan.FromMinutes(10));

        Assert.Equal(new ArrivalCompletion(a, ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0)), Assert.Single(transition.Completions));
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void AdvanceTime_BreakCarriesTheCurrentPhase()
    {
        var machine = NewMachine(2);
        ArriveAll(machine, NewIds(2), T0);
        machine.Arrive(ArrivalId.New(), FiveSeconds, T0);

        var transition = machine.AdvanceTime(T0 + FiveSeconds);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 1), Assert.Single(transition.Completions).Result);
        Assert.Equal(1, machine.Phase);
    }

    [Fact]
    public void AdvanceTime_OnBrokenBarrier_DoesNothing()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), FiveSeconds, T0);
        machine.AdvanceTime(T0 + FiveSeconds);

        var transition = machine.AdvanceTime(T0 + TimeSpan.FromMinutes(1));

        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.Timeout, machine.BrokenReason);
    }

    [Fact]
    public void Arrive_AfterTimeout_IsBrokenWithReasonTimeout()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), FiveSeconds, T0);
        machine.AdvanceTime(T0 + FiveSeconds);

        var later = machine.Arrive(ArrivalId.New(), null, T0 + TimeSpan.FromSeconds(6));

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), later.Result);
        Assert.Empty(later.Completions);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void Arrive_WithZeroTimeoutNotCompletingTheBarrier_BreaksImmediatelyWithTimeout()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        machine.Arrive(a, null, T0);

        var transition = machine.Arrive(b, TimeSpan.Zero, T0);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), transition.Result);
        Assert.Equal([a, b], Completed(transition));
        Assert.All(transition.Completions, x => Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), x.Result));
        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.Timeout, machine.BrokenReason);
        Assert.Equal(0, machine.Waiting);
        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WithZeroTimeoutAsFirstArrival_BreaksImmediately()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();

        var transition = machine.Arrive(a, TimeSpan.Zero, T0);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), transition.Result);
        Assert.Equal([a], Completed(transition));
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void Arrive_WithZeroTimeoutCompletingTheBarrier_Releases()
    {
        var machine = NewMachine(3);
        var ids = NewIds(3);
        machine.Arrive(ids[0], null, T0);
        machine.Arrive(ids[1], null, T0);

        var transition = machine.Arrive(ids[2], TimeSpan.Zero, T0);

        Assert.Equal(ArrivalResult.Released(2, 1), transition.Result);
        Assert.Equal(ids, Completed(transition));
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WithZeroTimeoutAndOneParty_Releases()
    {
        var machine = NewMachine(1);

        var transition = machine.Arrive(ArrivalId.New(), TimeSpan.Zero, T0);

        Assert.Equal(ArrivalResult.Released(0, 1), transition.Result);
        Assert.Equal(BarrierState.Filling, machine.State);
    }

    [Fact]
    public void Release_ClearsNextDeadline()
    {
        var machine = NewMachine(2);
        machine.Arrive(ArrivalId.New(), FiveSeconds, T0);

        var transition = machine.Arrive(ArrivalId.New(), null, T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(ArrivalOutcomeKind.Released, transition.Result.Kind);
        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void AdvanceTime_PastTheDeadlineOfAnAlreadyReleasedArrival_DoesNothing()
    {
        var machine = NewMachine(2);
        ArriveAll(machine, NewIds(2), T0, FiveSeconds);
        var next = ArrivalId.New();
        machine.Arrive(next, null, T0 + TimeSpan.FromSeconds(1));

        var transition = machine.AdvanceTime(T0 + TimeSpan.FromMinutes(1));

        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal([next], machine.WaitingArrivals);
    }

    [Fact]
    public void Cancel_ArrivalHoldingTheEarliestDeadline_MovesNextDeadlineToTheNextOne()
    {
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        machine.Arrive(a, FiveSeconds, T0);
        machine.Arrive(b, TimeSpan.FromSeconds(10), T0);
        machine.Arrive(c, null, T0);

        machine.Cancel(a, T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(T0 + TimeSpan.FromSeconds(10), machine.NextDeadline);
    }

    [Fact]
    public void Cancel_LastArrivalWithADeadline_ClearsNextDeadline()
    {
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        machine.Arrive(a, FiveSeconds, T0);
        machine.Arrive(b, null, T0);

        machine.Cancel(a, T0 + TimeSpan.FromSeconds(1));

        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void Cancel_ArrivalsWithDeadlinesOneByOne_NextDeadlineFollowsThenBecomesNull()
    {
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        machine.Arrive(a, TimeSpan.FromSeconds(30), T0);
        machine.Arrive(b, FiveSeconds, T0);
        machine.Arrive(c, TimeSpan.FromSeconds(10), T0);
        Assert.Equal(T0 + FiveSeconds, machine.NextDeadline);

        machine.Cancel(b, T0);
        Assert.Equal(T0 + TimeSpan.FromSeconds(10), machine.NextDeadline);

        machine.Cancel(c, T0);
        Assert.Equal(T0 + TimeSpan.FromSeconds(30), machine.NextDeadline);

        machine.Cancel(a, T0);
        Assert.Null(machine.NextDeadline);
    }

    [Theory]
    [InlineData(10, false)] // b has a later deadline: cancelling b keeps a's.
    [InlineData(null, false)] // b has no timeout: cancelling b keeps a's.
    [InlineData(5, true)] // b shares a's deadline: cancelling a keeps the one they share.
    public void Cancel_ArrivalWhileAnotherHoldsTheEarliestDeadline_KeepsNextDeadline(int? bTimeoutSeconds, bool cancelA)
    {
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        machine.Arrive(a, FiveSeconds, T0);
        machine.Arrive(b, bTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, T0);

        machine.Cancel(cancelA ? a : b, T0);

        Assert.Equal(T0 + FiveSeconds, machine.NextDeadline);
    }

    [Fact]
    public void Cancel_ArrivalHoldingTheDeadline_ThenAdvancingPastItDoesNotBreak()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        machine.Arrive(a, FiveSeconds, T0);
        machine.Arrive(b, null, T0);
        machine.Cancel(a, T0 + TimeSpan.FromSeconds(1));

        var transition = machine.AdvanceTime(T0 + TimeSpan.FromMinutes(1));

        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal([b], machine.WaitingArrivals);
    }

    [Fact]
    public void Cancel_ArrivalHoldingTheDeadline_TheNextDeadlineStillBreaksWhenItComes()
    {
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        machine.Arrive(a, FiveSeconds, T0);
        machine.Arrive(b, TimeSpan.FromSeconds(10), T0);
        machine.Cancel(a, T0);

        var early = machine.AdvanceTime(T0 + TimeSpan.FromSeconds(9));
        var due = machine.AdvanceTime(T0 + TimeSpan.FromSeconds(10));

        Assert.Empty(early.Completions);
        Assert.Equal(new ArrivalCompletion(b, ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0)), Assert.Single(due.Completions));
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void Arrive_WithInfiniteTimeSpanTimeout_WaitsWithoutLimit()
    {
        var machine = NewMachine(3);

        var transition = machine.Arrive(ArrivalId.New(), Timeout.InfiniteTimeSpan, T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(1, machine.Waiting);
        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WithTimeSpanMaxValueTimeout_WaitsInsteadOfThrowing()
    {
        var machine = NewMachine(3);

        var transition = machine.Arrive(ArrivalId.New(), TimeSpan.MaxValue, T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(1, machine.Waiting);
        Assert.Empty(machine.AdvanceTime(T0 + TimeSpan.FromDays(365)).Completions);
    }

    [Fact]
    public void Arrive_AfterAnOverdueDeadlineBeforeItsTick_BreaksInsteadOfReleasing()
    {
        var machine = NewMachine(2);
        var impatient = ArrivalId.New();
        machine.Arrive(impatient, TimeSpan.FromSeconds(1), T0);

        var late = machine.Arrive(ArrivalId.New(), null, T0 + TimeSpan.FromSeconds(2));

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), late.Result);
        Assert.Equal(new ArrivalCompletion(impatient, ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0)), Assert.Single(late.Completions));
        Assert.Equal(0, machine.Phase);
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void Cancel_AfterAnOverdueDeadlineBeforeItsTick_ReportsTheBreak()
    {
        var machine = NewMachine(3);
        var impatient = ArrivalId.New();
        machine.Arrive(impatient, TimeSpan.FromSeconds(1), T0);

        var cancel = machine.Cancel(impatient, T0 + TimeSpan.FromSeconds(2));

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), cancel.Result);
        Assert.Equal(BarrierState.Broken, machine.State);
    }
}

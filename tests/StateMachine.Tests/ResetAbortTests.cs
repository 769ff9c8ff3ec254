using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Reset (fail the waiters, back to filling) and abort (break until reset).</summary>
public sealed class ResetAbortTests
{
    [Fact]
    public void Reset_WithWaiters_CompletesEveryWaiterWithBrokenResetInArrivalOrder()
    {
        var machine = NewMachine(4);
        var ids = NewIds(3);
        ArriveAll(machine, ids, T0);

        var transition = machine.Reset(T0);

        Assert.Equal(ids, Completed(transition));
        Assert.All(transition.Completions, c => Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Reset, 0), c.Result));
    }

    [Fact]
    public void Reset_WithWaiters_LeavesAnEmptyFillingBarrier()
    {
        var machine = NewMachine(4);
        ArriveAll(machine, NewIds(3), T0);

        var transition = machine.Reset(T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(0, machine.Waiting);
        Assert.Empty(machine.WaitingArrivals);
    }

    [Fact]
    public void Reset_WithWaiters_LeavesPhaseUnchanged()
    {
        var machine = NewMachine(3);
        ArriveAll(machine, NewIds(3), T0);
        ArriveAll(machine, NewIds(2), T0);

        var transition = machine.Reset(T0);

        Assert.Equal(1, machine.Phase);
        Assert.All(transition.Completions, c => Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Reset, 1), c.Result));
    }

    [Fact]
    public void Reset_WithNoWaiters_CompletesNothingAndStaysFilling()
    {
        var machine = NewMachine(3);
        ArriveAll(machine, NewIds(3), T0);

        var transition = machine.Reset(T0);

        Assert.Equal(ArrivalResult.Pending(1), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(1, machine.Phase);
        Assert.Equal(0, machine.Waiting);
    }

    [Fact]
    public void Reset_ThenFullParty_ReleasesNewArrivalsNumberedFromZero()
    {
        var machine = NewMachine(3);
        ArriveAll(machine, NewIds(2), T0);
        machine.Reset(T0);
        var fresh = NewIds(3);

        Assert.Equal(ArrivalResult.Pending(0), machine.Arrive(fresh[0], null, T0).Result);
        Assert.Equal(ArrivalResult.Pending(0), machine.Arrive(fresh[1], null, T0).Result);
        var last = machine.Arrive(fresh[2], null, T0);

        Assert.Equal(ArrivalResult.Released(2, 1), last.Result);
        Assert.Equal(fresh, Completed(last));
        Assert.Equal([0, 1, 2], Indices(last));
    }

    [Fact]
    public void Reset_WaiterReArrivingWithSameId_GetsRememberedBrokenResetNotANewArrival()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);
        machine.Reset(T0);

        var again = machine.Arrive(a, null, T0);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Reset, 0), again.Result);
        Assert.Equal(0, machine.Waiting);
    }

    [Fact]
    public void Reset_OfAbortedBarrier_MakesItUsableAgain()
    {
        var machine = NewMachine(2);
        ArriveAll(machine, NewIds(2), T0);
        machine.Abort(T0);

        var reset = machine.Reset(T0);

        Assert.Empty(reset.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        var fresh = NewIds(2);
        Assert.Equal(ArrivalResult.Pending(1), machine.Arrive(fresh[0], null, T0).Result);
        Assert.Equal(ArrivalResult.Released(1, 2), machine.Arrive(fresh[1], null, T0).Result);
        Assert.Equal(2, machine.Phase);
    }

    [Fact]
    public void Reset_OfTimedOutBarrier_MakesItUsableAgain()
    {
        var machine = NewMachine(2);
        machine.Arrive(ArrivalId.New(), TimeSpan.FromSeconds(1), T0);
        machine.AdvanceTime(T0 + TimeSpan.FromSeconds(1));
        Assert.Equal(BarrierState.Broken, machine.State);

        machine.Reset(T0 + TimeSpan.FromSeconds(2));

        Assert.Equal(BarrierState.Filling, machine.State);
        var last = ArriveAll(machine, NewIds(2), T0 + TimeSpan.FromSeconds(3));
        Assert.Equal(ArrivalResult.Released(1, 1), last.Result);
    }

    [Fact]
    public void Reset_ClearsNextDeadline()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), TimeSpan.FromSeconds(5), T0);

        machine.Reset(T0);

        Assert.Null(machine.NextDeadline);
        var tick = machine.AdvanceTime(T0 + TimeSpan.FromHours(1));
        Assert.Empty(tick.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
    }

    [Fact]
    public void Reset_Twice_IsHarmless()
    {
        var machine = NewMachine(2);
        machine.Arrive(ArrivalId.New(), null, T0);
        machine.Reset(T0);

        var second = machine.Reset(T0);

        Assert.Empty(second.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(0, machine.Phase);
    }

    [Fact]
    public void Abort_WithWaiters_CompletesEveryWaiterWithBrokenAbortedInArrivalOrder()
    {
        var machine = NewMachine(4);
        var ids = NewIds(3);
        ArriveAll(machine, ids, T0);

        var transition = machine.Abort(T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(ids, Completed(transition));
        Assert.All(transition.Completions, c => Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 0), c.Result));
    }

    [Fact]
    public void Abort_WithWaiters_LeavesABrokenBarrierWithNoWaiters()
    {
        var machine = NewMachine(4);
        ArriveAll(machine, NewIds(3), T0);

        machine.Abort(T0);

        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.Aborted, machine.BrokenReason);
        Assert.Equal(0, machine.Waiting);
        Assert.Empty(machine.WaitingArrivals);
    }

    [Fact]
    public void Abort_WithNoWaiters_BreaksTheBarrier()
    {
        var machine = NewMachine(3);

        var transition = machine.Abort(T0);

        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.Aborted, machine.BrokenReason);
    }

    [Fact]
    public void Abort_LeavesPhaseUnchanged()
    {
        var machine = NewMachine(2);
        ArriveAll(machine, NewIds(2), T0);
        machine.Arrive(ArrivalId.New(), null, T0);

        var transition = machine.Abort(T0);

        Assert.Equal(1, machine.Phase);
        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 1), Assert.Single(transition.Completions).Result);
    }

    [Fact]
    public void Abort_ClearsNextDeadline()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), TimeSpan.FromSeconds(5), T0);

        machine.Abort(T0);

        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void Arrive_AfterAbort_IsBrokenWithReasonAborted()
    {
        var machine = NewMachine(3);
        machine.Abort(T0);

        var transition = machine.Arrive(ArrivalId.New(), null, T0);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 0), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void Arrive_AfterAbort_EveryLaterArrivalIsBrokenUntilReset()
    {
        var machine = NewMachine(2);
        machine.Abort(T0);

        foreach (var id in NewIds(5))
        {
            Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 0), machine.Arrive(id, null, T0).Result);
        }

        Assert.Equal(0, machine.Phase);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void Arrive_AfterAbortWithTimeout_IsBrokenAbortedAndSetsNoDeadline()
    {
        var machine = NewMachine(2);
        machine.Abort(T0);

        var transition = machine.Arrive(ArrivalId.New(), TimeSpan.Zero, T0);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 0), transition.Result);
        Assert.Null(machine.NextDeadline);
        Assert.Equal(BrokenBarrierReason.Aborted, machine.BrokenReason);
    }

    [Fact]
    public void Arrive_AfterAbortThenReset_IsPendingAgain()
    {
        var machine = NewMachine(2);
        machine.Abort(T0);
        machine.Reset(T0);

        var transition = machine.Arrive(ArrivalId.New(), null, T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(1, machine.Waiting);
    }

    [Fact]
    public void Abort_OfTimedOutBarrier_ChangesReasonToAborted()
    {
        var machine = NewMachine(2);
        machine.Arrive(ArrivalId.New(), TimeSpan.Zero, T0);
        Assert.Equal(BrokenBarrierReason.Timeout, machine.BrokenReason);

        var transition = machine.Abort(T0);

        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.Aborted, machine.BrokenReason);
        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 0), machine.Arrive(ArrivalId.New(), null, T0).Result);
    }

    [Fact]
    public void Abort_Twice_StaysBrokenWithReasonAborted()
    {
        var machine = NewMachine(2);
        machine.Abort(T0);

        var second = machine.Abort(T0);

        Assert.Empty(second.Completions);
        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.Aborted, machine.BrokenReason);
    }

    [Fact]
    public void Abort_WaiterReArrivingAfterReset_GetsRememberedBrokenAborted()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);
        machine.Abort(T0);
        machine.Reset(T0);

        var again = machine.Arrive(a, null, T0);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 0), again.Result);
        Assert.Equal(0, machine.Waiting);
    }
}

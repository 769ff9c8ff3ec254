using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Cancelling a wait: removal, renumbering, and the races with release, abort and timeout.</summary>
public sealed class CancellationTests
{
    [Fact]
    public void Cancel_WaitingArrival_RemovesItAndReportsCancelled()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        ArriveAll(machine, [a, b], T0);

        var transition = machine.Cancel(a, T0);

        Assert.Equal(ArrivalResult.Cancelled(0), transition.Result);
        Assert.True(transition.Result.IsFinal);
        var completion = Assert.Single(transition.Completions);
        Assert.Equal(new ArrivalCompletion(a, ArrivalResult.Cancelled(0)), completion);
        Assert.Equal(1, machine.Waiting);
        Assert.Equal([b], machine.WaitingArrivals);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(0, machine.Phase);
    }

    [Fact]
    public void Cancel_WaitingArrival_ResultCarriesCurrentPhase()
    {
        var machine = NewMachine(2);
        ArriveAll(machine, NewIds(2), T0);
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);

        var transition = machine.Cancel(a, T0);

        Assert.Equal(ArrivalResult.Cancelled(1), transition.Result);
    }

    [Fact]
    public void Cancel_FirstOfTwoThenTwoMoreArrive_SurvivorsNumberedWithoutGaps()
    {
        // Parties 3: a, b arrive, a cancels, c, d arrive → b=0, c=1, d=2.
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        var d = ArrivalId.New();
        ArriveAll(machine, [a, b], T0);
        machine.Cancel(a, T0);

        Assert.Equal(ArrivalResult.Pending(0), machine.Arrive(c, null, T0).Result);
        var last = machine.Arrive(d, null, T0);

        Assert.Equal(ArrivalResult.Released(2, 1), last.Result);
        Assert.Equal([b, c, d], Completed(last));
        Assert.Equal([0, 1, 2], Indices(last));
    }

    [Fact]
    public void Cancel_MiddleArrival_SurvivorsKeepArrivalOrderWithoutGapsOrDuplicates()
    {
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        var d = ArrivalId.New();
        var e = ArrivalId.New();
        ArriveAll(machine, [a, b, c], T0);
        machine.Cancel(b, T0);

        var last = ArriveAll(machine, [d, e], T0);

        Assert.Equal([a, c, d, e], Completed(last));
        Assert.Equal([0, 1, 2, 3], Indices(last));
    }

    [Fact]
    public void Cancel_NewestArrival_LeavesOlderWaitersInPlace()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        var d = ArrivalId.New();
        ArriveAll(machine, [a, b], T0);
        machine.Cancel(b, T0);

        var last = ArriveAll(machine, [c, d], T0);

        Assert.Equal([a, c, d], Completed(last));
        Assert.Equal([0, 1, 2], Indices(last));
    }

    [Fact]
    public void Cancel_EveryWaiter_LeavesAnEmptyFillingBarrierThatStillNeedsAFullParty()
    {
        var machine = NewMachine(3);
        var ids = NewIds(2);
        ArriveAll(machine, ids, T0);

        machine.Cancel(ids[0], T0);
        machine.Cancel(ids[1], T0);

        Assert.Equal(0, machine.Waiting);
        Assert.Equal(BarrierState.Filling, machine.State);
        var fresh = NewIds(3);
        Assert.Equal(ArrivalResult.Pending(0), machine.Arrive(fresh[0], null, T0).Result);
        Assert.Equal(ArrivalResult.Pending(0), machine.Arrive(fresh[1], null, T0).Result);
        Assert.Equal(ArrivalResult.Released(2, 1), machine.Arrive(fresh[2], null, T0).Result);
    }

    [Fact]
    public void Cancel_WaitingArrival_RemembersTheCancellation()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);

        machine.Cancel(a, T0);

        Assert.Equal(1, machine.RememberedResults);
    }

    [Fact]
    public void Cancel_SameArrivalTwice_SecondReturnsRememberedCancelledWithoutCompletion()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        ArriveAll(machine, [a, b], T0);
        machine.Cancel(a, T0);

        var again = machine.Cancel(a, T0);

        Assert.Equal(ArrivalResult.Cancelled(0), again.Result);
        Assert.Empty(again.Completions);
        Assert.Equal([b], machine.WaitingArrivals);
    }

    [Fact]
    public void Arrive_AfterCancelWithSameId_GetsRememberedCancelledNotANewArrival()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        ArriveAll(machine, [a, b], T0);
        machine.Cancel(a, T0);

        var again = machine.Arrive(a, null, T0);

        Assert.Equal(ArrivalResult.Cancelled(0), again.Result);
        Assert.Empty(again.Completions);
        Assert.Equal(1, machine.Waiting);
        Assert.Equal([b], machine.WaitingArrivals);
    }

    [Fact]
    public void Cancel_AfterRelease_ReturnsRememberedReleasedResult()
    {
        // The release won the race with the cancellation: the arrival keeps its index.
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        ArriveAll(machine, [a, b], T0);

        var transition = machine.Cancel(a, T0);

        Assert.Equal(ArrivalResult.Released(0, 1), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(1, machine.Phase);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(BarrierState.Filling, machine.State);
    }

    [Fact]
    public void Cancel_AfterRelease_DoesNotAffectTheNextPhase()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        ArriveAll(machine, [a, b], T0);
        machine.Arrive(c, null, T0);

        machine.Cancel(a, T0);

        Assert.Equal([c], machine.WaitingArrivals);
        Assert.Equal(ArrivalResult.Released(1, 2), machine.Arrive(ArrivalId.New(), null, T0).Result);
    }

    [Theory]
    [InlineData(BrokenBarrierReason.Aborted, BarrierState.Broken)]
    [InlineData(BrokenBarrierReason.Timeout, BarrierState.Broken)]
    [InlineData(BrokenBarrierReason.Reset, BarrierState.Filling)]
    public void Cancel_AfterAbortTimeoutOrReset_ReturnsBrokenWithThatReason(BrokenBarrierReason reason, BarrierState stateAfter)
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var brokenAt = BreakBy(machine, reason, a);

        var transition = machine.Cancel(a, brokenAt + TimeSpan.FromSeconds(1));

        Assert.Equal(ArrivalResult.Broken(reason, 0), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(stateAfter, machine.State);
    }

    [Fact]
    public void Cancel_UnknownArrival_ReturnsCancelledWithoutChangingState()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, TimeSpan.FromSeconds(5), T0);

        var transition = machine.Cancel(ArrivalId.New(), T0);

        Assert.Equal(ArrivalResult.Cancelled(0), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(1, machine.Waiting);
        Assert.Equal([a], machine.WaitingArrivals);
        Assert.Equal(T0 + TimeSpan.FromSeconds(5), machine.NextDeadline);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(0, machine.Phase);
        Assert.Equal(1, machine.RememberedResults);
    }

    [Fact]
    public void Cancel_OvertakingItsOwnArrival_MakesTheLateArrivalANoOp()
    {
        var machine = NewMachine(2);
        var late = ArrivalId.New();

        machine.Cancel(late, T0);
        var arrival = machine.Arrive(late, null, T0);

        Assert.Equal(ArrivalResult.Cancelled(0), arrival.Result);
        Assert.Equal(0, machine.Waiting);
    }

    [Fact]
    public void Cancel_UnknownArrivalOnEmptyBarrier_ReturnsCancelledWithCurrentPhase()
    {
        var machine = NewMachine(1);
        machine.Arrive(ArrivalId.New(), null, T0);

        var transition = machine.Cancel(ArrivalId.New(), T0);

        Assert.Equal(ArrivalResult.Cancelled(1), transition.Result);
        Assert.Empty(transition.Completions);
    }

    [Fact]
    public void Cancel_UnknownArrivalOnBrokenBarrier_ReturnsCancelledAndStaysBroken()
    {
        var machine = NewMachine(3);
        machine.Abort(T0);

        var transition = machine.Cancel(ArrivalId.New(), T0);

        Assert.Equal(ArrivalResult.Cancelled(0), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.Aborted, machine.BrokenReason);
        Assert.Equal(1, machine.RememberedResults);
    }

    [Fact]
    public void Cancel_ArrivalRejectedByBrokenBarrier_ReturnsItsBrokenResult()
    {
        var machine = NewMachine(3);
        machine.Abort(T0);
        var late = ArrivalId.New();
        machine.Arrive(late, null, T0);

        var transition = machine.Cancel(late, T0);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 0), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    /// <summary>
    /// Lets <paramref name="waiter"/> arrive at <see cref="T0"/> and fails its wait with <paramref name="reason"/>: an abort or a
    /// reset at T0, or a 5 s timeout that <see cref="BarrierStateMachine.AdvanceTime"/> reaches at T0 + 5 s. Returns the moment it failed.
    /// </summary>
    private static DateTimeOffset BreakBy(BarrierStateMachine machine, BrokenBarrierReason reason, ArrivalId waiter)
    {
        var timeout = TimeSpan.FromSeconds(5);
        machine.Arrive(waiter, reason == BrokenBarrierReason.Timeout ? timeout : null, T0);
        switch (reason)
        {
            case BrokenBarrierReason.Aborted:
                machine.Abort(T0);
                return T0;
            case BrokenBarrierReason.Reset:
                machine.Reset(T0);
                return T0;
            case BrokenBarrierReason.Timeout:
                machine.AdvanceTime(T0 + timeout);
                return T0 + timeout;
            default:
                throw new ArgumentOutOfRangeException(nameof(reason), reason, null);
        }
    }
}

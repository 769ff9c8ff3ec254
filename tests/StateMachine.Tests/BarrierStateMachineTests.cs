using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Construction, the initial state, <see cref="BarrierStateMachine.GetStatus"/> and the basic release.</summary>
public sealed class BarrierStateMachineTests
{
    [Fact]
    public void Arrive_LastOfParty_ReleasesAllInArrivalOrder()
    {
        var machine = new BarrierStateMachine("b", 3, TimeSpan.FromMinutes(1));
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();

        Assert.Equal(ArrivalOutcomeKind.Pending, machine.Arrive(a, null, T0).Result.Kind);
        Assert.Equal(ArrivalOutcomeKind.Pending, machine.Arrive(b, null, T0).Result.Kind);
        var last = machine.Arrive(c, null, T0);

        Assert.Equal(ArrivalResult.Released(2, 1), last.Result);
        Assert.Equal([a, b, c], last.Completions.Select(x => x.Arrival));
        Assert.Equal([0, 1, 2], last.Completions.Select(x => x.Result.Index));
        Assert.Equal(1, machine.Phase);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(BarrierState.Filling, machine.State);
    }

    [Fact]
    public void Constructor_ValidArguments_StartsEmptyAndFilling()
    {
        var machine = new BarrierStateMachine("orders", 4, TimeSpan.FromSeconds(30));

        Assert.Equal("orders", machine.Name);
        Assert.Equal(4, machine.Parties);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(0, machine.Phase);
        Assert.Equal(0, machine.Waiting);
        Assert.Empty(machine.WaitingArrivals);
        Assert.Null(machine.NextDeadline);
        Assert.Equal(0, machine.RememberedResults);
    }

    [Fact]
    public void Constructor_OneParty_IsAccepted()
    {
        var machine = new BarrierStateMachine("b", 1, TimeSpan.FromMinutes(1));

        Assert.Equal(1, machine.Parties);
    }

    [Fact]
    public void Constructor_ZeroRetention_IsAccepted()
    {
        var machine = new BarrierStateMachine("b", 2, TimeSpan.Zero);

        Assert.Equal(BarrierState.Filling, machine.State);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Constructor_PartiesLessThanOne_ThrowsArgumentOutOfRange(int parties)
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new BarrierStateMachine("b", parties, TimeSpan.FromMinutes(1)));

        Assert.Equal("parties", exception.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Constructor_EmptyOrWhiteSpaceName_ThrowsArgumentException(string name)
    {
        var exception = Assert.Throws<ArgumentException>(() => new BarrierStateMachine(name, 2, TimeSpan.FromMinutes(1)));

        Assert.Equal("name", exception.ParamName);
    }

    [Fact]
    public void Constructor_NullName_ThrowsArgumentNull()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => new BarrierStateMachine(null!, 2, TimeSpan.FromMinutes(1)));

        Assert.Equal("name", exception.ParamName);
    }

    [Fact]
    public void Constructor_NegativeRetention_ThrowsArgumentOutOfRange()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new BarrierStateMachine("b", 2, TimeSpan.FromTicks(-1)));

        Assert.Equal("resultRetention", exception.ParamName);
    }

    [Fact]
    public void GetStatus_NewBarrier_ReportsNamePartiesAndEmptyFillingPhaseZero()
    {
        var machine = NewMachine(3, name: "orders");

        var status = machine.GetStatus();

        Assert.Equal(new BarrierStatus("orders", 3, 0, BarrierState.Filling, 0), status);
        Assert.False(status.IsBroken);
        Assert.Null(status.HostSilo);
    }

    [Fact]
    public void GetStatus_WithWaiters_ReportsWaitingCount()
    {
        var machine = NewMachine(3, name: "orders");
        ArriveAll(machine, NewIds(2), T0);

        var status = machine.GetStatus();

        var waiter = new BarrierWaiter("anonymous", null, T0);
        Assert.Equal(new BarrierStatus("orders", 3, 2, BarrierState.Filling, 0) { Waiters = [waiter, waiter], Arrivals = 2 }, status);
    }

    [Fact]
    public void GetStatus_AfterTwoReleasesAndOneMoreArrival_ReportsPhaseTwoAndOneWaiting()
    {
        var machine = NewMachine(2, name: "orders");
        ArriveAll(machine, NewIds(4), T0);
        machine.Arrive(ArrivalId.New(), null, T0);

        var status = machine.GetStatus();

        Assert.Equal(new BarrierStatus("orders", 2, 1, BarrierState.Filling, 2) { Waiters = [new BarrierWaiter("anonymous", null, T0)], Arrivals = 1 }, status);
    }

    [Fact]
    public void GetStatus_AfterAbort_ReportsBroken()
    {
        var machine = NewMachine(3, name: "orders");
        ArriveAll(machine, NewIds(2), T0);
        machine.Abort(T0);

        var status = machine.GetStatus();

        Assert.Equal(new BarrierStatus("orders", 3, 0, BarrierState.Broken, 0) { BrokenReason = BrokenBarrierReason.Aborted }, status);
        Assert.True(status.IsBroken);
    }

    [Fact]
    public void GetStatus_IsASnapshot_NotUpdatedByLaterTransitions()
    {
        var machine = NewMachine(3);
        var before = machine.GetStatus();

        machine.Arrive(ArrivalId.New(), null, T0);

        Assert.Equal(0, before.Waiting);
        Assert.Equal(1, machine.GetStatus().Waiting);
    }
}

namespace Orleans.Barrier.Tests;

public sealed class BarrierStateMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

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
}

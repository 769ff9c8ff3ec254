using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Who is waiting and who is missing, as <see cref="BarrierStateMachine.GetStatus"/> reports them.</summary>
public sealed class MissingTests
{
    [Fact]
    public void GetStatus_BeforeTheFirstRelease_MissingIsEmptyEvenWithWaiters()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), Named("a"), T0);

        var status = machine.GetStatus();

        Assert.Empty(status.Missing);
    }

    [Fact]
    public void GetStatus_AfterAReleaseWithNobodyBack_MissingIsEveryMemberInIndexOrder()
    {
        var machine = NewMachine(3);
        ReleaseNamed(machine, "c", "a", "b");

        var status = machine.GetStatus();

        Assert.Equal(["c", "a", "b"], status.Missing);
    }

    [Fact]
    public void GetStatus_AfterAReleaseAndOneMemberBack_MissingIsTheOthersInTheirPreviousIndexOrder()
    {
        var machine = NewMachine(3);
        ReleaseNamed(machine, "c", "a", "b");

        machine.Arrive(ArrivalId.New(), Named("a"), T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(["c", "b"], machine.GetStatus().Missing);
    }

    [Fact]
    public void GetStatus_ANameOnSeveralArrivalsOfTheRelease_IsMissingOnceAndBackWithOneArrival()
    {
        var machine = NewMachine(3);
        ReleaseNamed(machine, "w", "x", "w");
        Assert.Equal(["w", "x"], machine.GetStatus().Missing);

        machine.Arrive(ArrivalId.New(), Named("w"), T0);

        Assert.Equal(["x"], machine.GetStatus().Missing);
    }

    [Fact]
    public void GetStatus_ANewcomerOutsideTheRelease_IsNotMissingAndDoesNotHideAnyone()
    {
        var machine = NewMachine(2);
        ReleaseNamed(machine, "a", "b");

        machine.Arrive(ArrivalId.New(), Named("newcomer"), T0);

        Assert.Equal(["a", "b"], machine.GetStatus().Missing);
    }

    [Fact]
    public void GetStatus_AfterAMemberIsBackThenCancels_ListsItAsMissingAgain()
    {
        var machine = NewMachine(3);
        ReleaseNamed(machine, "a", "b", "c");
        var back = ArrivalId.New();
        machine.Arrive(back, Named("b"), T0);

        machine.Cancel(back, T0);

        Assert.Equal(["a", "b", "c"], machine.GetStatus().Missing);
    }

    [Fact]
    public void GetStatus_AfterAMemberIsBackThenEvicted_ListsItAsMissingAgain()
    {
        var machine = NewMachine(3);
        ReleaseNamed(machine, "a", "b", "c");
        machine.Arrive(ArrivalId.New(), Leased("a", TimeSpan.FromSeconds(1), ParticipantLossPolicy.Evict), T0);
        machine.Arrive(ArrivalId.New(), Named("c"), T0);
        Assert.Equal(["b"], machine.GetStatus().Missing);

        machine.AdvanceTime(T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(["a", "b"], machine.GetStatus().Missing);
    }

    [Fact]
    public void GetStatus_OfARestoredMachine_MissingComesFromTheStoredRelease()
    {
        var machine = NewMachine(2);
        ReleaseNamed(machine, "a", "b");
        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), Retention, T0);

        restored.Arrive(ArrivalId.New(), Named("b"), T0);

        Assert.Equal(["a"], restored.GetStatus().Missing);
    }

    [Fact]
    public void GetStatus_WithAListLimit_CapsMissing()
    {
        var machine = NewMachine(4);
        ReleaseNamed(machine, "a", "b", "c", "d");
        machine.Arrive(ArrivalId.New(), Named("a"), T0);

        var status = machine.GetStatus(listLimit: 2);

        Assert.Equal(["b", "c"], status.Missing);
    }

    [Fact]
    public void GetStatus_Waiters_AreOldestFirstWithNameAndArrivalTimeAndNoSilo()
    {
        var machine = NewMachine(4);
        machine.Arrive(ArrivalId.New(), Named("first"), T0);
        machine.Arrive(ArrivalId.New(), Named("second"), T0 + TimeSpan.FromSeconds(1));
        machine.Arrive(ArrivalId.New(), Named("third"), T0 + TimeSpan.FromSeconds(2));

        var status = machine.GetStatus();

        Assert.Equal(
            [
                new BarrierWaiter("first", null, T0),
                new BarrierWaiter("second", null, T0 + TimeSpan.FromSeconds(1)),
                new BarrierWaiter("third", null, T0 + TimeSpan.FromSeconds(2)),
            ],
            status.Waiters);
    }

    [Fact]
    public void GetStatus_WaiterReissued_KeepsItsFirstArrivalTime()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", TimeSpan.FromMinutes(1)), T0);

        machine.Arrive(a, Named("a"), T0 + TimeSpan.FromSeconds(30));

        Assert.Equal([new BarrierWaiter("a", null, T0)], machine.GetStatus().Waiters);
    }

    [Fact]
    public void GetStatus_WithAListLimit_ListsOnlyTheOldestWaitersButCountsThemAll()
    {
        var machine = NewMachine(5);
        machine.Arrive(ArrivalId.New(), Named("first"), T0);
        machine.Arrive(ArrivalId.New(), Named("second"), T0 + TimeSpan.FromSeconds(1));
        machine.Arrive(ArrivalId.New(), Named("third"), T0 + TimeSpan.FromSeconds(2));

        var status = machine.GetStatus(listLimit: 2);

        Assert.Equal(["first", "second"], status.Waiters.Select(w => w.Participant));
        Assert.Equal(3, status.Waiting);
    }

    [Fact]
    public void GetStatus_WithAZeroListLimit_ListsNothing()
    {
        var machine = NewMachine(2);
        ReleaseNamed(machine, "a", "b");
        machine.Arrive(ArrivalId.New(), Named("c"), T0);

        var status = machine.GetStatus(listLimit: 0);

        Assert.Empty(status.Waiters);
        Assert.Empty(status.Missing);
        Assert.Equal(1, status.Waiting);
    }

    /// <summary>One full party of the given names, arriving in that order, so each name's index is its position.</summary>
    private static void ReleaseNamed(BarrierStateMachine machine, params string[] names)
    {
        Assert.Equal(machine.Parties, names.Length);
        var last = default(BarrierTransition);
        foreach (var name in names)
        {
            last = machine.Arrive(ArrivalId.New(), Named(name), T0);
        }

        Assert.Equal(ArrivalOutcomeKind.Released, last.Result.Kind);
    }
}

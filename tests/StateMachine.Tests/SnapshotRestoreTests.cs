using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>The stored part of a barrier: when <see cref="BarrierStateMachine.Version"/> moves, and what a restored machine knows.</summary>
public sealed class SnapshotRestoreTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    /// <summary>Steps that change the stored part, each from a machine with one waiter (one of three parties, leased, named "a").</summary>
    public static TheoryData<string> StoredChanges => ["release", "timeout", "lost lease", "abort", "abort again", "reset", "reset while broken"];

    /// <summary>Steps that leave the stored part alone, from the same machine.</summary>
    public static TheoryData<string> UnstoredChanges =>
        ["arrive", "re-issue", "renew", "cancel", "cancel unknown", "evict", "advance before any deadline", "status", "arrive on broken"];

    [Fact]
    public void Version_OfANewMachine_IsOne()
    {
        var machine = NewMachine(3);

        Assert.Equal(1, machine.Version);
        Assert.Equal(1, machine.Snapshot().Version);
    }

    [Theory]
    [MemberData(nameof(StoredChanges))]
    public void Version_OnAStoredChange_MovesByOne(string change)
    {
        var (machine, _) = OneLeasedWaiter();
        if (change is "abort again" or "reset while broken")
        {
            machine.Abort(T0);
        }

        var before = machine.Version;
        switch (change)
        {
            case "release":
                machine.Arrive(ArrivalId.New(), Named("b"), T0);
                machine.Arrive(ArrivalId.New(), Named("c"), T0);
                Assert.Equal(1, machine.Phase);
                break;
            case "timeout":
                machine.Arrive(ArrivalId.New(), Leased("b", null, timeout: TimeSpan.Zero), T0);
                Assert.Equal(BrokenBarrierReason.Timeout, machine.BrokenReason);
                break;
            case "lost lease":
                machine.AdvanceTime(T0 + Lease);
                Assert.Equal(BrokenBarrierReason.ParticipantLost, machine.BrokenReason);
                break;
            case "abort" or "abort again":
                machine.Abort(T0);
                break;
            case "reset" or "reset while broken":
                machine.Reset(T0);
                break;
        }

        Assert.Equal(before + 1, machine.Version);
        Assert.Equal(machine.Version, machine.Snapshot().Version);
    }

    [Theory]
    [MemberData(nameof(UnstoredChanges))]
    public void Version_OnAChangeThatIsNotStored_StaysPut(string change)
    {
        var (machine, a) = OneLeasedWaiter();
        if (change == "arrive on broken")
        {
            machine.Abort(T0);
        }

        var before = machine.Version;
        switch (change)
        {
            case "arrive":
                machine.Arrive(ArrivalId.New(), Named("b"), T0);
                break;
            case "re-issue":
                machine.Arrive(a, Named("a"), T0, mustBeKnown: true);
                break;
            case "renew":
                machine.Arrive(a, Named("a"), T0 + TimeSpan.FromSeconds(2));
                Assert.Equal(T0 + TimeSpan.FromSeconds(2) + Lease, machine.NextDeadline);
                break;
            case "cancel":
                machine.Cancel(a, T0);
                break;
            case "cancel unknown":
                machine.Cancel(ArrivalId.New(), T0);
                break;
            case "evict":
                var evicted = ArrivalId.New();
                machine.Arrive(evicted, Leased("e", TimeSpan.FromSeconds(1), ParticipantLossPolicy.Evict), T0);
                Assert.Equal(ArrivalResult.Evicted(0), Assert.Single(machine.AdvanceTime(T0 + TimeSpan.FromSeconds(1)).Completions).Result);
                break;
            case "advance before any deadline":
                machine.AdvanceTime(T0 + TimeSpan.FromSeconds(1));
                break;
            case "status":
                Assert.Equal(1, machine.GetStatus().Waiting);
                break;
            case "arrive on broken":
                machine.Arrive(ArrivalId.New(), Named("b"), T0);
                break;
        }

        Assert.Equal(before, machine.Version);
    }

    [Fact]
    public void Restore_OfAFillingBarrier_KeepsPartiesPhaseVersionAndLastRelease()
    {
        var machine = NewMachine(2);
        machine.Arrive(ArrivalId.New(), Named("a"), T0);
        machine.Arrive(ArrivalId.New(), Named("b"), T0);
        var snapshot = machine.Snapshot();

        var restored = BarrierStateMachine.Restore("b", snapshot, Retention, T0);

        Assert.Equal(2, restored.Parties);
        Assert.Equal(1, restored.Phase);
        Assert.Equal(machine.Version, restored.Version);
        Assert.Equal(BarrierState.Filling, restored.State);
        Assert.Equal(snapshot.LastRelease, restored.Snapshot().LastRelease);
        Assert.Null(restored.Snapshot().BrokenReason);
    }

    [Fact]
    public void Restore_OfABarrierBrokenByLostParticipants_KeepsTheReasonAndTheNames()
    {
        var machine = NewMachine(4);
        machine.Arrive(ArrivalId.New(), Leased("x", Lease), T0);
        machine.Arrive(ArrivalId.New(), Leased("y", Lease), T0);
        machine.AdvanceTime(T0 + Lease);

        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), Retention, T0 + Lease);

        Assert.Equal(BarrierState.Broken, restored.State);
        Assert.Equal(BrokenBarrierReason.ParticipantLost, restored.BrokenReason);
        Assert.Equal(["x", "y"], restored.LostParticipants.Order(StringComparer.Ordinal));
        var status = restored.GetStatus();
        Assert.Equal(BrokenBarrierReason.ParticipantLost, status.BrokenReason);
        Assert.Equal(["x", "y"], status.LostParticipants.Order(StringComparer.Ordinal));
        AssertLost(restored.Arrive(ArrivalId.New(), Named("z"), T0 + Lease).Result, 0, "x", "y");
    }

    [Fact]
    public void Restore_OfAnAbortedBarrier_StaysBrokenUntilReset()
    {
        var machine = NewMachine(2);
        machine.Abort(T0);

        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), Retention, T0);

        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Aborted, 0), restored.Arrive(ArrivalId.New(), Named("a"), T0).Result);
        Assert.Empty(restored.LostParticipants);
        restored.Reset(T0);
        Assert.Equal(ArrivalResult.Pending(0), restored.Arrive(ArrivalId.New(), Named("a"), T0).Result);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Restore_ThenMembersOfTheLatestReleaseReissue_GetTheirSameIndexAndPhase(bool mustBeKnown)
    {
        var machine = NewMachine(3);
        var ids = NewIds(3);
        machine.Arrive(ids[0], Named("a"), T0);
        machine.Arrive(ids[1], Named("b"), T0);
        machine.Arrive(ids[2], Named("c"), T0);
        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), Retention, T0 + TimeSpan.FromSeconds(1));

        for (var i = 0; i < ids.Length; i++)
        {
            var reissue = restored.Arrive(ids[i], Named("x"), T0 + TimeSpan.FromSeconds(2), mustBeKnown);

            Assert.Equal(ArrivalResult.Released(i, 1), reissue.Result);
            Assert.Empty(reissue.Completions);
        }

        Assert.Equal(0, restored.Waiting);
        Assert.Equal(1, restored.Phase);
    }

    [Fact]
    public void Restore_ThenMembersOfTheLatestReleaseReissueAmongNewArrivals_NeverCountInASecondPhase()
    {
        var machine = NewMachine(2);
        var first = NewIds(2);
        ArriveAll(machine, first, T0);
        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), Retention, T0);
        var fresh = ArrivalId.New();
        restored.Arrive(fresh, Named("f"), T0);

        var reissue = restored.Arrive(first[0], Named("a"), T0);

        Assert.Equal(ArrivalResult.Released(0, 1), reissue.Result);
        Assert.Equal([fresh], restored.WaitingArrivals);
        Assert.Equal(1, restored.Phase);
    }

    [Fact]
    public void Restore_ThenNewArrivals_ReleaseAsTheNextPhaseWithIndicesFromZero()
    {
        var machine = NewMachine(2);
        ArriveAll(machine, NewIds(4), T0);
        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), Retention, T0);
        var fresh = NewIds(2);

        var first = restored.Arrive(fresh[0], Named("a"), T0);
        var last = restored.Arrive(fresh[1], Named("b"), T0);

        Assert.Equal(ArrivalResult.Pending(2), first.Result);
        Assert.Equal(ArrivalResult.Released(1, 3), last.Result);
        Assert.Equal(fresh, Completed(last));
        Assert.Equal([0, 1], Indices(last));
        Assert.Equal(3, restored.Phase);
        Assert.Equal(machine.Version + 1, restored.Version);
    }

    [Fact]
    public void Restore_DropsTheWaitingArrivals_WhichCountAgainWhenTheyReattach()
    {
        var machine = NewMachine(3);
        var waiting = NewIds(2);
        machine.Arrive(waiting[0], Leased("a", Lease), T0);
        machine.Arrive(waiting[1], Leased("b", Lease), T0);

        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), Retention, T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(0, restored.Waiting);
        Assert.Null(restored.NextDeadline);
        Assert.Equal(ArrivalResult.Unknown(0), restored.Arrive(waiting[0], Named("a"), T0 + TimeSpan.FromSeconds(2), mustBeKnown: true).Result);
        Assert.Equal(ArrivalResult.Pending(0), restored.Arrive(waiting[1], Leased("b", Lease), T0 + TimeSpan.FromSeconds(2)).Result);
        Assert.Equal(ArrivalResult.Pending(0), restored.Arrive(waiting[0], Leased("a", Lease), T0 + TimeSpan.FromSeconds(2)).Result);
        Assert.Equal([waiting[1], waiting[0]], restored.WaitingArrivals);
        Assert.Equal(T0 + TimeSpan.FromSeconds(2) + Lease, restored.NextDeadline);
    }

    [Fact]
    public void Restore_RememberedRelease_IsRememberedForTheRetentionFromTheRestore()
    {
        var retention = TimeSpan.FromSeconds(10);
        var machine = NewMachine(2, retention);
        var ids = NewIds(2);
        ArriveAll(machine, ids, T0);
        var restoredAt = T0 + TimeSpan.FromMinutes(5);
        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), retention, restoredAt);

        Assert.Equal(2, restored.RememberedResults);
        Assert.Equal(ArrivalResult.Released(0, 1), restored.Arrive(ids[0], Named("a"), restoredAt + retention, mustBeKnown: true).Result);
        Assert.Equal(ArrivalResult.Unknown(1), restored.Arrive(ids[1], Named("b"), restoredAt + retention + TimeSpan.FromTicks(1), mustBeKnown: true).Result);
        Assert.Equal(0, restored.RememberedResults);
    }

    [Fact]
    public void Restore_OfABarrierNeverReleased_RemembersNothing()
    {
        var machine = NewMachine(2);
        machine.Arrive(ArrivalId.New(), Named("a"), T0);

        var restored = BarrierStateMachine.Restore("b", machine.Snapshot(), Retention, T0);

        Assert.Equal(0, restored.RememberedResults);
        Assert.Empty(restored.Snapshot().LastRelease);
        Assert.Equal(0, restored.Phase);
    }

    [Fact]
    public void Snapshot_AfterAReleaseThenAReset_KeepsTheLatestReleaseAndPhase()
    {
        var machine = NewMachine(2);
        var ids = NewIds(2);
        ArriveAll(machine, ids, T0);
        machine.Reset(T0);

        var snapshot = machine.Snapshot();

        Assert.Equal(1, snapshot.Phase);
        Assert.Equal(ids, snapshot.LastRelease.Select(m => m.Arrival));
        Assert.Null(snapshot.BrokenReason);
    }

    private static (BarrierStateMachine Machine, ArrivalId Waiter) OneLeasedWaiter()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease), T0);
        return (machine, a);
    }
}

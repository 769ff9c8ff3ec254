using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Coalesced arrivals: one arrival standing for several participants of one process (<see cref="ArrivalTerms.Units"/>).
/// The same rules as single arrivals, counted in participants.
/// </summary>
public sealed class CoalescedArrivalTests
{
    private static ArrivalTerms Units(int units, string participant = "client-1") => new(participant, Units: units);

    [Fact]
    public void Arrive_CoalescedArrival_CountsItsUnitsTowardTheParty()
    {
        var machine = NewMachine(10);

        var transition = machine.Arrive(ArrivalId.New(), Units(4), T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(4, machine.Waiting);
        Assert.Equal(1, machine.WaitingArrivalCount);
        var waiter = Assert.Single(machine.GetStatus().Waiters);
        Assert.Equal(4, waiter.Count);
        Assert.Equal(4, machine.GetStatus().Waiting);
    }

    [Fact]
    public void Release_MixedArrivals_GiveEachARunOfIndicesInArrivalOrder()
    {
        var machine = NewMachine(10);
        var single = ArrivalId.New();
        var four = ArrivalId.New();
        var five = ArrivalId.New();

        machine.Arrive(single, Named("solo"), T0);
        machine.Arrive(four, Units(4), T0);
        var last = machine.Arrive(five, Units(5, "client-2"), T0);

        Assert.Equal([single, four, five], Completed(last));
        Assert.Equal(ArrivalResult.Released(0, 1), last.Completions[0].Result);
        Assert.Equal(ArrivalResult.Released(1, 1, 4), last.Completions[1].Result);
        Assert.Equal(ArrivalResult.Released(5, 1, 5), last.Completions[2].Result);
        Assert.Equal(last.Completions[2].Result, last.Result);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(1, machine.Phase);
    }

    [Fact]
    public void Release_AllUnitsInOneArrival_ReleasesAtOnce()
    {
        var machine = NewMachine(1024);

        var transition = machine.Arrive(ArrivalId.New(), Units(1024), T0);

        Assert.Equal(ArrivalResult.Released(0, 1, 1024), transition.Result);
        Assert.Equal(1, machine.Phase);
    }

    [Fact]
    public void Arrive_MoreUnitsThanThePartyLacks_ReleasesWhatFitsAndCountsNoMore()
    {
        var machine = NewMachine(5);
        var first = ArrivalId.New();
        var overflowing = ArrivalId.New();
        machine.Arrive(first, Units(3), T0);

        var transition = machine.Arrive(overflowing, Units(4, "client-2"), T0);

        // Two of its four fit: they complete the party with indices 3 and 4; the other two were not counted.
        Assert.Equal(ArrivalResult.Released(3, 1, 2, offered: 4), transition.Result);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(1, machine.Phase);

        // A re-issued poll gets the same partial answer: the rest is the caller's to send again.
        Assert.Equal(ArrivalResult.Released(3, 1, 2, offered: 4), machine.Arrive(overflowing, Units(4, "client-2"), T0).Result);
        Assert.Equal(0, machine.Waiting);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(6)]
    public void Arrive_UnitsOutsideOneToParties_IsRefusedAndChangesNothing(int units)
    {
        var machine = NewMachine(5);
        machine.Arrive(ArrivalId.New(), Units(2), T0);
        var version = machine.Version;

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => machine.Arrive(ArrivalId.New(), Units(units), T0));

        Assert.Contains("1 to 5 participants", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, machine.Waiting);
        Assert.Equal(version, machine.Version);
    }

    [Fact]
    public void Cancel_CoalescedArrival_WithdrawsAllItsUnits()
    {
        var machine = NewMachine(5);
        var coalesced = ArrivalId.New();
        machine.Arrive(coalesced, Units(3), T0);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);

        var transition = machine.Cancel(coalesced, T0);

        Assert.Equal(ArrivalOutcomeKind.Cancelled, transition.Result.Kind);
        Assert.Equal(1, machine.Waiting);

        // The party needs four more now, not one.
        machine.Arrive(ArrivalId.New(), Units(3), T0);
        Assert.Equal(4, machine.Waiting);
        Assert.Equal(0, machine.Phase);
    }

    [Fact]
    public void Break_CoalescedArrival_FailsOnceForAllItsUnits()
    {
        var machine = NewMachine(5);
        var coalesced = ArrivalId.New();
        machine.Arrive(coalesced, Units(3), T0);

        var transition = machine.Abort(T0);

        var completion = Assert.Single(transition.Completions);
        Assert.Equal(coalesced, completion.Arrival);
        Assert.Equal(BrokenBarrierReason.Aborted, completion.Result.Reason);
        Assert.Equal(0, machine.Waiting);
    }

    [Fact]
    public void Lease_OfACoalescedArrival_LostWithItsProcess_EvictsAllItsUnits()
    {
        var machine = NewMachine(5);
        var lease = TimeSpan.FromSeconds(2);
        var coalesced = ArrivalId.New();
        machine.Arrive(coalesced, new ArrivalTerms("client-1", Lease: lease, OnLost: ParticipantLossPolicy.Evict, Units: 3), T0);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);

        var transition = machine.AdvanceTime(T0 + lease);

        Assert.Equal(ArrivalResult.Evicted(0), Assert.Single(transition.Completions).Result);
        Assert.Equal(1, machine.Waiting);
    }

    [Fact]
    public void Missing_AfterACoalescedRelease_NamesTheProcessOnce()
    {
        var machine = NewMachine(4);
        machine.Arrive(ArrivalId.New(), Units(3), T0);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);

        machine.Arrive(ArrivalId.New(), Named("solo"), T0);

        Assert.Equal(["client-1"], machine.GetStatus().Missing);
    }

    [Fact]
    public void Restore_AfterACoalescedRelease_GivesEachMemberItsRunOfIndicesAgain()
    {
        var machine = NewMachine(6);
        var solo = ArrivalId.New();
        var coalesced = ArrivalId.New();
        var last = ArrivalId.New();
        machine.Arrive(solo, Named("solo"), T0);
        machine.Arrive(coalesced, Units(4), T0);
        machine.Arrive(last, Named("last"), T0);

        var stored = StoredBarrier.From(machine.Snapshot(), epoch: 1);
        var restored = BarrierStateMachine.Restore("b", stored.ToSnapshot(), Retention, T0);

        Assert.Equal(ArrivalResult.Released(0, 1), restored.Arrive(solo, Named("solo"), T0).Result);
        Assert.Equal(ArrivalResult.Released(1, 1, 4), restored.Arrive(coalesced, Units(4), T0).Result);
        Assert.Equal(ArrivalResult.Released(5, 1), restored.Arrive(last, Named("last"), T0).Result);
        Assert.Equal(0, restored.Waiting);
    }

    [Fact]
    public void Stored_ReleaseOfSingleArrivals_KeepsNoUnitsArray()
    {
        var machine = NewMachine(2);
        ArriveAll(machine, NewIds(2), T0);

        Assert.Null(StoredBarrier.From(machine.Snapshot(), epoch: 1).LastReleaseUnits);
    }

    [Fact]
    public void Reissue_WithFewerUnits_WithdrawsTheDifferenceAndKeepsWaiting()
    {
        var machine = NewMachine(6);
        var coalesced = ArrivalId.New();
        machine.Arrive(coalesced, Units(5), T0);
        var version = machine.Version;

        var transition = machine.Arrive(coalesced, Units(3), T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(3, machine.Waiting);
        Assert.Equal(3, Assert.Single(machine.GetStatus().Waiters).Count);
        Assert.Equal(version, machine.Version);

        // Three more complete the party, and the arrival is released with its three.
        var last = machine.Arrive(ArrivalId.New(), Units(3, "client-2"), T0);
        Assert.Equal(ArrivalResult.Released(0, 1, 3), last.Completions[0].Result);
        Assert.Equal(ArrivalResult.Released(3, 1, 3), last.Result);
    }

    [Fact]
    public void Reissue_WithMoreUnits_NeverGrowsTheArrival()
    {
        var machine = NewMachine(6);
        var coalesced = ArrivalId.New();
        machine.Arrive(coalesced, Units(2), T0);

        // An older re-issue (sent before a withdrawal) arriving late, or a withdrawal that overtook the arrival.
        machine.Arrive(coalesced, Units(5), T0);

        Assert.Equal(2, machine.Waiting);
    }

    [Fact]
    public void Reissue_WithFewerUnitsAfterTheRelease_GetsTheRelease()
    {
        var machine = NewMachine(4);
        var coalesced = ArrivalId.New();
        machine.Arrive(coalesced, Units(3), T0);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);

        var late = machine.Arrive(coalesced, Units(2), T0);

        Assert.Equal(ArrivalResult.Released(0, 1, 3), late.Result);
        Assert.Equal(0, machine.Waiting);
    }

    private static ArrivalTerms Grains(params string[] members) => new("sys.client/hosted-silo", Units: members.Length, Members: members, Silo: "silo-1");

    [Fact]
    public void Status_OfACoalescedArrivalWithNamedMembers_ListsEachMemberWithItsSilo()
    {
        var machine = NewMachine(5);
        machine.Arrive(ArrivalId.New(), Grains("g1", "g2", "g3"), T0);

        var status = machine.GetStatus();

        Assert.Equal(3, status.Waiting);
        Assert.Equal(["g1", "g2", "g3"], status.Waiters.Select(w => w.Participant));
        Assert.All(status.Waiters, w => Assert.Equal(("silo-1", 1), (w.Silo, w.Count)));
    }

    [Fact]
    public void Withdraw_NamedMembers_LeaveByNameAndMissingNamesThemAfterTheNextRelease()
    {
        var machine = NewMachine(4);
        var coalesced = ArrivalId.New();
        machine.Arrive(coalesced, Grains("g1", "g2"), T0);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);

        // g1 is cancelled: the re-issue lists who stays.
        machine.Arrive(coalesced, Grains("g2"), T0);
        Assert.Equal(["g2", "solo"], machine.GetStatus().Waiters.Select(w => w.Participant));

        machine.Arrive(ArrivalId.New(), Named("late"), T0);
        var release = machine.Arrive(ArrivalId.New(), Named("last"), T0);
        Assert.Equal(ArrivalResult.Released(0, 1), release.Completions[0].Result);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);

        Assert.Equal(["g2", "late", "last"], machine.GetStatus().Missing);
    }

    [Fact]
    public void Lease_OfANamedCoalescedArrival_LostWithItsSilo_NamesEveryMember()
    {
        var machine = NewMachine(5);
        var lease = TimeSpan.FromSeconds(2);
        machine.Arrive(ArrivalId.New(), Grains("g1", "g2") with { Lease = lease }, T0);

        var transition = machine.AdvanceTime(T0 + lease);

        AssertLost(Assert.Single(transition.Completions).Result, 0, "g1", "g2");
    }

    [Fact]
    public void Restore_AfterARelease_KeepsNamedMembersAndWhatWasOffered()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);
        var coalesced = ArrivalId.New();
        machine.Arrive(coalesced, Grains("g1", "g2", "g3"), T0);

        var restored = BarrierStateMachine.Restore("b", StoredBarrier.From(machine.Snapshot(), epoch: 1).ToSnapshot(), Retention, T0);

        Assert.Equal(ArrivalResult.Released(1, 1, 2, offered: 3), restored.Arrive(coalesced, Grains("g1", "g2", "g3"), T0).Result);
        restored.Arrive(ArrivalId.New(), Named("solo"), T0);
        Assert.Equal(["g1", "g2"], restored.GetStatus().Missing);
    }

    [Fact]
    public void Arrive_MembersNotOnePerUnit_IsRefused()
    {
        var machine = NewMachine(5);

        Assert.Throws<ArgumentException>(() => machine.Arrive(ArrivalId.New(), Grains("g1", "g2") with { Units = 3 }, T0));
        Assert.Equal(0, machine.Waiting);
    }
}

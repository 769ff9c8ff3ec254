using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Members of a coalesced arrival reported lost by the shard they waited at (<see cref="BarrierStateMachine.Lose"/>):
/// the barrier breaks naming them exactly as if their own leases had run out here, unless a final result came first.
/// </summary>
public sealed class LostMemberTests
{
    private static ArrivalTerms Shard(ParticipantLossPolicy onLost = ParticipantLossPolicy.Break, params string[] members)
        => new("shard", Units: members.Length, Members: members, OnLost: onLost);

    [Fact]
    public void Lose_MemberOfAWaitingArrival_BreaksTheBarrierNamingOnlyIt()
    {
        var machine = NewMachine(5);
        var other = ArrivalId.New();
        var shard = ArrivalId.New();
        machine.Arrive(other, Named("solo"), T0);
        machine.Arrive(shard, Shard(ParticipantLossPolicy.Break, "a", "b", "c"), T0);
        var version = machine.Version;

        var transition = machine.Lose(shard, ["b"], T0.AddSeconds(1));

        AssertLost(transition.Result, 0, "b");
        Assert.Equal([other, shard], Completed(transition));
        Assert.All(transition.Completions, c => AssertLost(c.Result, 0, "b"));
        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(["b"], machine.LostParticipants);
        Assert.True(machine.Version > version, "A break is stored.");
        AssertLost(machine.Arrive(ArrivalId.New(), Named("late"), T0.AddSeconds(2)).Result, 0, "b");
    }

    [Fact]
    public void Lose_SameNameTwice_NamesItOnce()
    {
        var machine = NewMachine(5);
        var shard = ArrivalId.New();
        machine.Arrive(shard, Shard(ParticipantLossPolicy.Break, "a", "a"), T0);

        AssertLost(machine.Lose(shard, ["a", "a"], T0).Result, 0, "a");
    }

    [Fact]
    public void Lose_AfterTheArrivalWasReleased_KeepsTheReleaseAndBreaksNothing()
    {
        var machine = NewMachine(3);
        var shard = ArrivalId.New();
        machine.Arrive(shard, Shard(ParticipantLossPolicy.Break, "a", "b"), T0);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);
        var version = machine.Version;

        var transition = machine.Lose(shard, ["a"], T0.AddSeconds(1));

        Assert.Equal(ArrivalResult.Released(0, 1, 2), transition.Result);
        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(version, machine.Version);
    }

    [Fact]
    public void Lose_UnknownArrival_IsUnknownAndBreaksNothing()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), Named("solo"), T0);

        var transition = machine.Lose(ArrivalId.New(), ["ghost"], T0);

        Assert.Equal(ArrivalOutcomeKind.Unknown, transition.Result.Kind);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(1, machine.Waiting);
    }

    [Fact]
    public void Lose_OverdueTimeoutCameFirst_TheTimeoutNamesTheBreak()
    {
        var machine = NewMachine(5);
        var shard = ArrivalId.New();
        machine.Arrive(shard, Shard(ParticipantLossPolicy.Break, "a", "b") with { Timeout = TimeSpan.FromSeconds(1) }, T0);

        var transition = machine.Lose(shard, ["a"], T0.AddSeconds(2));

        Assert.Equal(ArrivalOutcomeKind.Broken, transition.Result.Kind);
        Assert.Equal(BrokenBarrierReason.Timeout, transition.Result.Reason);
        Assert.Equal(BrokenBarrierReason.Timeout, machine.BrokenReason);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("stranger")]
    [InlineData("evict")]
    public void Lose_BadReport_IsRefusedAndChangesNothing(string bad)
    {
        var machine = NewMachine(5);
        var shard = ArrivalId.New();
        var policy = bad == "evict" ? ParticipantLossPolicy.Evict : ParticipantLossPolicy.Break;
        machine.Arrive(shard, Shard(policy, "a", "b"), T0);
        var version = machine.Version;
        string[] lost = bad switch { "none" => [], "stranger" => ["z"], _ => ["a"] };

        Assert.Throws<ArgumentException>(() => machine.Lose(shard, lost, T0));

        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(2, machine.Waiting);
        Assert.Equal(version, machine.Version);
    }
}

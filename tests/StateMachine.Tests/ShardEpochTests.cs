using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Arrivals sent by the shards of a tiered barrier carry the shard's activation epoch: a newer activation's arrival
/// evicts what an older one left waiting (its participants re-attached to the newer one), so none is counted twice.
/// </summary>
public sealed class ShardEpochTests
{
    private static ArrivalTerms FromShard(string shard, long epoch, params string[] members)
        => new("shard", Units: members.Length, Members: members, Shard: shard, ShardEpoch: epoch);

    [Fact]
    public void Arrive_NewerEpochOfAShard_EvictsTheOlderEpochsWaitingArrivals()
    {
        var machine = NewMachine(5);
        var old = ArrivalId.New();
        var otherShard = ArrivalId.New();
        machine.Arrive(old, FromShard("0/b", 1, "a", "b"), T0);
        machine.Arrive(otherShard, FromShard("1/b", 1, "c"), T0);

        var transition = machine.Arrive(ArrivalId.New(), FromShard("0/b", 2, "a", "b"), T0.AddSeconds(1));

        Assert.Equal(ArrivalOutcomeKind.Pending, transition.Result.Kind);
        var evicted = Assert.Single(transition.Completions);
        Assert.Equal(old, evicted.Arrival);
        Assert.Equal(ArrivalOutcomeKind.Evicted, evicted.Result.Kind);
        Assert.Equal(3, machine.Waiting);
        Assert.Equal(ArrivalOutcomeKind.Evicted, machine.Arrive(old, FromShard("0/b", 1, "a", "b"), T0.AddSeconds(2), mustBeKnown: true).Result.Kind);
    }

    [Fact]
    public void Arrive_OlderEpochAfterANewerOne_IsEvictedOnSightAndNotCounted()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), FromShard("0/b", 5, "a"), T0);

        var late = machine.Arrive(ArrivalId.New(), FromShard("0/b", 4, "x", "y"), T0);

        Assert.Equal(ArrivalOutcomeKind.Evicted, late.Result.Kind);
        Assert.Equal(1, machine.Waiting);
        Assert.Equal(0, machine.Phase);
    }

    [Fact]
    public void Arrive_SameEpochAndUnshardedArrivals_AreCountedAsUsual()
    {
        var machine = NewMachine(4);
        machine.Arrive(ArrivalId.New(), FromShard("0/b", 1, "a"), T0);
        machine.Arrive(ArrivalId.New(), FromShard("0/b", 1, "b"), T0);
        machine.Arrive(ArrivalId.New(), Named("direct"), T0);

        var last = machine.Arrive(ArrivalId.New(), FromShard("1/b", 7, "c"), T0);

        Assert.Equal(4, last.Completions.Count);
        Assert.All(last.Completions, c => Assert.Equal(ArrivalOutcomeKind.Released, c.Result.Kind));
        Assert.Equal(1, machine.Phase);
    }

    [Fact]
    public void Recall_MemberOfAReleasedShardArrival_GetsItsOwnIndex()
    {
        var machine = NewMachine(3);
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid()];
        machine.Arrive(ArrivalId.New(), Named("first"), T0);
        machine.Arrive(ArrivalId.New(), FromShard("0/b", 1, "a", "b") with { MemberIds = ids }, T0);

        var second = machine.Recall(new ArrivalId(ids[1]), "0/b", 2, T0.AddSeconds(1));
        var stranger = machine.Recall(ArrivalId.New(), "0/b", 2, T0.AddSeconds(1));

        Assert.Equal(ArrivalOutcomeKind.Released, second.Result.Kind);
        Assert.Equal(2, second.Result.Index);
        Assert.Equal(1, second.Result.Phase);
        Assert.Empty(second.Completions);
        Assert.Equal(ArrivalOutcomeKind.Unknown, stranger.Result.Kind);
    }

    [Fact]
    public void Recall_AfterTheRootRestartedFromStorage_MemberOfTheStoredReleaseGetsItsOwnIndex()
    {
        // The root and the shard died together after the release was stored and before any member heard of it: the
        // member re-attaches to the shard's next activation, which recalls it from the root's next activation. Found by
        // the tiered crash rounds, which counted such a member again in the next phase.
        var machine = NewMachine(3);
        Guid[] ids = [Guid.NewGuid(), Guid.NewGuid()];
        machine.Arrive(ArrivalId.New(), Named("first"), T0);
        machine.Arrive(ArrivalId.New(), FromShard("0/b", 1, "a", "b") with { MemberIds = ids }, T0);
        var restored = BarrierStateMachine.Restore("b", StoredBarrier.From(machine.Snapshot(), epoch: 1).ToSnapshot(), Retention, T0);

        var first = restored.Recall(new ArrivalId(ids[0]), "0/b", 2, T0.AddSeconds(1));
        var second = restored.Recall(new ArrivalId(ids[1]), "0/b", 2, T0.AddSeconds(1));

        Assert.Equal(ArrivalResult.Released(1, 1), first.Result);
        Assert.Equal(ArrivalResult.Released(2, 1), second.Result);
        Assert.Equal(0, restored.Waiting);
    }

    [Fact]
    public void Recall_ByANewerEpoch_EvictsTheOlderEpochsWaitingArrivalsSoTheyCannotBeReleasedAfterwards()
    {
        var machine = NewMachine(3);
        var old = ArrivalId.New();
        var member = Guid.NewGuid();
        machine.Arrive(old, FromShard("0/b", 1, "a") with { MemberIds = [member] }, T0);

        var recalled = machine.Recall(new ArrivalId(member), "0/b", 2, T0.AddSeconds(1));

        Assert.Equal(ArrivalOutcomeKind.Unknown, recalled.Result.Kind);
        var evicted = Assert.Single(recalled.Completions);
        Assert.Equal(old, evicted.Arrival);
        Assert.Equal(ArrivalOutcomeKind.Evicted, evicted.Result.Kind);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(ArrivalOutcomeKind.Evicted, machine.Arrive(ArrivalId.New(), FromShard("0/b", 1, "late"), T0.AddSeconds(2)).Result.Kind);
    }

    [Fact]
    public void Recall_AfterAWithdrawalAndAnOverflow_IdsFollowTheMembersThatWereCounted()
    {
        var machine = NewMachine(5);
        Guid[] ids = [.. Enumerable.Range(0, 6).Select(_ => Guid.NewGuid())];
        var shard = ArrivalId.New();
        machine.Arrive(ArrivalId.New(), Named("first"), T0);
        machine.Arrive(shard, FromShard("0/b", 1, "a", "b", "c") with { MemberIds = ids[..3] }, T0);

        // "b" leaves; the lowered list names and identifies those who stay.
        machine.Arrive(shard, FromShard("0/b", 1, "a", "c") with { MemberIds = [ids[0], ids[2]] }, T0);
        machine.Arrive(ArrivalId.New(), Named("y"), T0);
        Assert.Equal(4, machine.Waiting);
        machine.Arrive(ArrivalId.New(), Named("z"), T0);

        Assert.Equal(ArrivalResult.Released(1, 1), machine.Recall(new ArrivalId(ids[0]), "0/b", 1, T0).Result);
        Assert.Equal(ArrivalResult.Released(2, 1), machine.Recall(new ArrivalId(ids[2]), "0/b", 1, T0).Result);
        Assert.Equal(ArrivalOutcomeKind.Unknown, machine.Recall(new ArrivalId(ids[1]), "0/b", 1, T0).Result.Kind);

        // An arrival the release takes only part of: the member left out is not remembered as released.
        machine.Arrive(ArrivalId.New(), Named("x"), T0);
        machine.Arrive(ArrivalId.New(), Named("y"), T0);
        machine.Arrive(ArrivalId.New(), Named("z"), T0);
        var partly = machine.Arrive(ArrivalId.New(), FromShard("0/b", 1, "d", "e", "f") with { MemberIds = ids[3..] }, T0);
        Assert.Equal(2, partly.Result.Units);
        Assert.Equal(ArrivalResult.Released(3, 2), machine.Recall(new ArrivalId(ids[3]), "0/b", 1, T0).Result);
        Assert.Equal(ArrivalResult.Released(4, 2), machine.Recall(new ArrivalId(ids[4]), "0/b", 1, T0).Result);
        Assert.Equal(ArrivalOutcomeKind.Unknown, machine.Recall(new ArrivalId(ids[5]), "0/b", 1, T0).Result.Kind);
    }

    [Fact]
    public void Arrive_MemberIdsNotOnePerUnit_IsRefusedAndChangesNothing()
    {
        var machine = NewMachine(3);

        Assert.Throws<ArgumentException>(() => machine.Arrive(ArrivalId.New(), FromShard("0/b", 1, "a", "b") with { MemberIds = [Guid.NewGuid()] }, T0));

        Assert.Equal(0, machine.Waiting);
    }
}

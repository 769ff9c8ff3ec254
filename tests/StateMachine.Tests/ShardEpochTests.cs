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
}

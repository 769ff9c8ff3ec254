namespace Orleans.Barrier.Tests;

/// <summary>Which handles go through shards: asked for, or <see cref="BarrierTopology.Auto"/> where tiers measured faster.</summary>
public sealed class TopologyChoiceTests
{
    [Theory]
    [InlineData(BarrierTopology.Tiered, true, 2, true)]
    [InlineData(BarrierTopology.Tiered, false, 2, true)]
    [InlineData(BarrierTopology.SingleGrain, false, 1_000_000, false)]
    [InlineData(BarrierTopology.Auto, true, 1_000_000, false)]
    [InlineData(BarrierTopology.Auto, false, BarrierShards.AutoTieredFrom - 1, false)]
    [InlineData(BarrierTopology.Auto, false, BarrierShards.AutoTieredFrom, true)]
    public void IsTiered_ByTopologyCoalescingAndSize(BarrierTopology topology, bool coalesce, int parties, bool tiered)
        => Assert.Equal(tiered, BarrierShards.IsTiered(new BarrierOptions { Parties = parties, Topology = topology, CoalesceArrivals = coalesce }));

    [Theory]
    [InlineData(1, 2)]
    [InlineData(512, 2)]
    [InlineData(513, 3)]
    [InlineData(100_000, 391)]
    [InlineData(int.MaxValue, BarrierOptions.MaxShards)]
    public void DefaultCount_OnePerTwoHundredFiftySixPartiesWithinBounds(int parties, int shards)
        => Assert.Equal(shards, BarrierShards.DefaultCount(parties));

    [Fact]
    public void ShardKeys_RoundTripAndRefuseMalformedKeys()
    {
        Assert.Equal("3/a/b", BarrierShards.KeyOf(3, "a/b"));
        Assert.Equal("a/b", BarrierShards.BarrierOf("3/a/b"));
        Assert.Throws<ArgumentException>(() => BarrierShards.BarrierOf("no-shard"));
        Assert.Throws<ArgumentException>(() => BarrierShards.BarrierOf("x/name"));
        Assert.Throws<ArgumentException>(() => BarrierShards.BarrierOf("3/"));
        Assert.Throws<ArgumentException>(() => BarrierShards.BarrierOf("/name"));
    }
}

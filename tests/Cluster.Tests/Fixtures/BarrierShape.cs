namespace Orleans.Barrier.Tests;

/// <summary>
/// A way of laying a barrier out, for the contract tests that run over every shape (one spec suite, several shapes):
/// what a participant sees must not depend on it.
/// </summary>
public sealed class BarrierShape
{
    private BarrierShape(string name, BarrierTopology topology, int? shards)
    {
        Name = name;
        Topology = topology;
        Shards = shards;
    }

    /// <summary>Every arrival at the barrier grain (client waits coalesced per process, the default).</summary>
    public static BarrierShape SingleGrain { get; } = new("single grain", BarrierTopology.SingleGrain, null);

    /// <summary>Every arrival through one of three shard grains spread over the silos.</summary>
    public static BarrierShape Tiered { get; } = new("tiered", BarrierTopology.Tiered, 3);

    public string Name { get; }

    public BarrierTopology Topology { get; }

    public int? Shards { get; }

    /// <summary>A handle of this shape on <paramref name="name"/>.</summary>
    public IDistributedBarrier GetBarrier(IGrainFactory factory, string name, int parties)
        => GetBarrier(factory, name, new BarrierOptions { Parties = parties });

    /// <summary>A handle of this shape on <paramref name="name"/>, with the rest of <paramref name="options"/>.</summary>
    public IDistributedBarrier GetBarrier(IGrainFactory factory, string name, BarrierOptions options)
        => factory.GetBarrier(name, options with { Topology = Topology, Shards = options.Shards ?? Shards });

    public override string ToString() => Name;
}

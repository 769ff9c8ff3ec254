namespace Orleans.Barrier.Tests;

/// <summary>
/// A way of laying a barrier out, for the contract tests that run over every shape (one spec suite, several shapes):
/// what a participant sees must not depend on it.
/// </summary>
public sealed class BarrierShape
{
    private BarrierShape(string name, BarrierTopology topology, int? shards, BarrierStorage storage)
    {
        Name = name;
        Topology = topology;
        Shards = shards;
        Storage = storage;
    }

    /// <summary>Every arrival at the barrier grain (client waits coalesced per process, the default).</summary>
    public static BarrierShape SingleGrain { get; } = new("single grain", BarrierTopology.SingleGrain, null, BarrierStorage.InProcess) { ReportsWaiterSilos = true };

    /// <summary>Every arrival through one of three shard grains spread over the silos.</summary>
    public static BarrierShape Tiered { get; } = new("tiered", BarrierTopology.Tiered, 3, BarrierStorage.InProcess) { ReportsWaiterSilos = false };

    /// <summary>
    /// <see cref="SingleGrain"/> with its state in a real Redis (<see cref="BarrierStorage.Redis"/>), for the contracts
    /// whose point is what storage keeps: durability and the crash rounds.
    /// </summary>
    public static BarrierShape SingleGrainOnRedis { get; } = new("single grain on Redis", BarrierTopology.SingleGrain, null, BarrierStorage.Redis) { ReportsWaiterSilos = true };

    public string Name { get; }

    public BarrierTopology Topology { get; }

    public int? Shards { get; }

    /// <summary>Where the barriers keep their state; a test that deploys a cluster of its own deploys it through this.</summary>
    public BarrierStorage Storage { get; }

    /// <summary>
    /// Whether the status says on which silo a grain participant waits (<see cref="BarrierWaiter.Silo"/>). Only the
    /// single grain hears from the participant's silo: on tiers the barrier hears from shards, which coalesce members
    /// of any silo into one arrival and do not pass on where each member waits, so the status leaves it out.
    /// </summary>
    public required bool ReportsWaiterSilos { get; init; }

    /// <summary>
    /// The grain keys of this shape's shards of the barrier called <paramref name="name"/> (none for the single grain):
    /// a test that kills silos needs to know where they run, since participants' leases run at their shard.
    /// </summary>
    public IEnumerable<string> ShardKeys(string name) => Enumerable.Range(0, Shards ?? 0).Select(i => $"{i}/{name}");

    /// <summary>
    /// Returns this shape, for a test class to keep; skips the calling test first if the shape's storage cannot run
    /// here (fails it on CI): see <see cref="BarrierStorage.SkipUnlessAvailable"/>.
    /// </summary>
    public BarrierShape SkipUnlessAvailable()
    {
        Storage.SkipUnlessAvailable();
        return this;
    }

    /// <summary>A handle of this shape on <paramref name="name"/>.</summary>
    public IDistributedBarrier GetBarrier(IGrainFactory factory, string name, int parties)
        => GetBarrier(factory, name, new BarrierOptions { Parties = parties });

    /// <summary>A handle of this shape on <paramref name="name"/>, with the rest of <paramref name="options"/>.</summary>
    public IDistributedBarrier GetBarrier(IGrainFactory factory, string name, BarrierOptions options)
        => factory.GetBarrier(name, options with { Topology = Topology, Shards = options.Shards ?? Shards });

    public override string ToString() => Name;
}

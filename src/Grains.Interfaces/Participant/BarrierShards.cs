using System.Globalization;

namespace Orleans.Barrier;

/// <summary>How a tiered barrier's participants are spread over its shard grains.</summary>
internal static class BarrierShards
{
    /// <summary>Participants per shard that <see cref="BarrierOptions.Shards"/> = null aims for: a fan-in of tens to hundreds per level.</summary>
    public const int ParticipantsPerShard = 256;

    // Spreads the handles of one process over the shards, so they share the work even when they come from one client.
    private static int s_next = Random.Shared.Next();

    /// <summary>
    /// From this many parties <see cref="BarrierTopology.Auto"/> is tiered for a handle that does not coalesce: measured
    /// on one silo, one arrival per participant at one grain cost 1.13x the tiered barrier's phase at 10,000 parties but
    /// 1.24x at 30,000 and 2.4x at 100,000 (with three silos the crossover came earlier, between 1,024 and 4,096).
    /// A coalescing handle stays on the single grain at any size: its process's waits already arrive as a few arrivals.
    /// </summary>
    public const int AutoTieredFrom = 16_384;

    /// <summary>Whether a handle with <paramref name="options"/> sends its waits through shards.</summary>
    public static bool IsTiered(BarrierOptions options) => options.Topology switch
    {
        BarrierTopology.Tiered => true,
        BarrierTopology.Auto => !options.CoalesceArrivals && options.Parties >= AutoTieredFrom,
        _ => false,
    };

    /// <summary>How many shards a barrier of <paramref name="parties"/> gets unless told: about one per <see cref="ParticipantsPerShard"/>, at least 2.</summary>
    public static int DefaultCount(int parties) => (int)Math.Clamp((parties + (long)ParticipantsPerShard - 1) / ParticipantsPerShard, 2, BarrierOptions.MaxShards);

    /// <summary>The shard the next tiered handle sends its waits to: round-robin over the process, so handles spread evenly.</summary>
    public static int Next(int shards) => (int)((uint)Interlocked.Increment(ref s_next) % (uint)shards);

    /// <summary>The shard grain's key: <c>"{shard}/{barrier}"</c>.</summary>
    public static string KeyOf(int shard, string barrier) => string.Create(CultureInfo.InvariantCulture, $"{shard}/{barrier}");

    /// <summary>The barrier's name from a shard grain's key.</summary>
    /// <exception cref="ArgumentException">The key is not <c>"{shard}/{barrier}"</c>.</exception>
    public static string BarrierOf(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 1 || !int.TryParse(key.AsSpan(0, slash), NumberStyles.None, CultureInfo.InvariantCulture, out _) || slash == key.Length - 1)
        {
            throw new ArgumentException($"A barrier shard's key is \"{{shard}}/{{barrier}}\"; got \"{key}\".", nameof(key));
        }

        var barrier = key[(slash + 1)..];
        BarrierArguments.ThrowIfInvalidName(barrier, nameof(key));
        return barrier;
    }
}

namespace Orleans.Barrier;

/// <summary>Gets barriers from any <see cref="IGrainFactory"/>: an <c>IClusterClient</c> or a grain's <c>GrainFactory</c>.</summary>
public static class BarrierGrainFactoryExtensions
{
    /// <summary>Gets a handle on the barrier called <paramref name="name"/>, which releases every <paramref name="parties"/> arrivals.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parties"/> is less than 1.</exception>
    public static IDistributedBarrier GetBarrier(this IGrainFactory factory, string name, int parties)
    {
        // Checked here too so the exception names the caller's own parameter.
        BarrierArguments.ThrowIfInvalidParties(parties, nameof(parties));

        return GetBarrier(factory, name, new BarrierOptions { Parties = parties });
    }

    /// <summary>Gets a handle on the barrier called <paramref name="name"/> with the given options.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty, white space or longer than 1,024 characters, or the participant name is blank or too long.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options hold a party count below 1, a negative default timeout, a lease under <see cref="BarrierOptions.MinLeaseDuration"/>, a shard count outside 1 to <see cref="BarrierOptions.MaxShards"/> or an unknown enum value.</exception>
    public static IDistributedBarrier GetBarrier(this IGrainFactory factory, string name, BarrierOptions options)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        BarrierArguments.ThrowIfInvalidName(name, nameof(name));
        BarrierArguments.ThrowIfInvalidParties(options.Parties, nameof(options));

        if (options.DefaultTimeout is { } timeout)
        {
            BarrierArguments.ThrowIfInvalidTimeout(timeout, nameof(options));
        }

        if (options.LeaseDuration is { } lease)
        {
            BarrierArguments.ThrowIfInvalidLease(lease, nameof(options));
        }

        BarrierArguments.ThrowIfInvalidParticipant(options.Participant, nameof(options));
        BarrierArguments.ThrowIfInvalidPolicy(options.OnParticipantLost, nameof(options));
        if (!Enum.IsDefined(options.Topology))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Topology, $"Unknown barrier topology {(int)options.Topology}.");
        }

        if (options.Shards is { } shards && (shards < 1 || shards > BarrierOptions.MaxShards))
        {
            throw new ArgumentOutOfRangeException(nameof(options), shards, $"A tiered barrier has 1 to {BarrierOptions.MaxShards} shards; got {shards}.");
        }

        return new DistributedBarrier(factory, name, options);
    }
}

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
    /// <exception cref="ArgumentOutOfRangeException">The options hold a party count below 1, a negative default timeout, a lease under <see cref="BarrierOptions.MinLeaseDuration"/> or an unknown enum value.</exception>
    /// <exception cref="NotSupportedException">The options ask for <see cref="BarrierTopology.Tiered"/>, which is not built yet.</exception>
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
        if (options.Topology == BarrierTopology.Tiered)
        {
            throw new NotSupportedException("The tiered barrier topology is not built yet; use Auto or SingleGrain.");
        }

        if (!Enum.IsDefined(options.Topology))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Topology, $"Unknown barrier topology {(int)options.Topology}.");
        }

        return new DistributedBarrier(factory, name, options);
    }
}

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
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The options hold a party count below 1 or a negative default timeout.</exception>
    public static IDistributedBarrier GetBarrier(this IGrainFactory factory, string name, BarrierOptions options)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A barrier name must not be null, empty or white space.", nameof(name));
        }

        BarrierArguments.ThrowIfInvalidParties(options.Parties, nameof(options));

        if (options.DefaultTimeout is { } timeout)
        {
            BarrierArguments.ThrowIfInvalidTimeout(timeout, nameof(options));
        }

        return new DistributedBarrier(factory, name, options);
    }
}

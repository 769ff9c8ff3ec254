namespace Orleans.Barrier;

/// <summary>
/// One bucket of the registry of barrier names, keyed by <see cref="BarrierRegistryBuckets.Of(string)"/>. A barrier
/// grain registers its name once, when the barrier is created; <see cref="IBarrierAdmin.ListAsync"/> asks every bucket.
/// Arrivals never reach it, so the registry costs nothing per wait.
/// </summary>
[Alias("Orleans.Barrier.IBarrierRegistryGrain")]
internal interface IBarrierRegistryGrain : IGrainWithIntegerKey
{
    /// <summary>Adds <paramref name="name"/> to this bucket and returns once storage holds it. Idempotent.</summary>
    /// <exception cref="ArgumentException">The name is not a valid barrier name, or belongs to another bucket.</exception>
    [Alias("Register")]
    Task RegisterAsync(string name);

    /// <summary>The names in this bucket that start with <paramref name="prefix"/> (ordinal; null or empty: all), in ordinal order.</summary>
    [Alias("List")]
    Task<string[]> ListAsync(string? prefix);
}

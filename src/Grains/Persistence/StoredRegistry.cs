namespace Orleans.Barrier;

/// <summary>
/// One bucket of the barrier name registry as kept in grain storage. Its own type with its own alias, like
/// <see cref="StoredBarrier"/>: the stored format must stay readable for as long as stored barriers exist.
/// </summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.Stored.Registry.v1")]
internal sealed class StoredRegistry
{
    /// <summary>The bucket's barrier names, in ordinal order.</summary>
    [Id(0)]
    public string[] Names { get; set; } = [];
}

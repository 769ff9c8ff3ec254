using System.Runtime.CompilerServices;

namespace Orleans.Barrier;

/// <summary>
/// The admin surface over the barrier grains and the name registry. It adds no rules of its own: the barrier grain
/// already takes an optional party count and decides creation, refusal and mismatch; this class only checks
/// arguments before anything is sent, as <see cref="BarrierGrainFactoryExtensions.GetBarrier(IGrainFactory, string, int)"/> does.
/// </summary>
internal sealed class BarrierAdmin(IGrainFactory factory) : IBarrierAdmin
{
    /// <inheritdoc />
    public Task<BarrierStatus?> GetStatusAsync(string name, int? parties = null, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(name, parties);
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled<BarrierStatus?>(cancellationToken)
            : factory.GetGrain<IBarrierGrain>(name).GetStatusAsync(parties).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task ResetAsync(string name, int? parties = null, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(name, parties);
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled(cancellationToken)
            : factory.GetGrain<IBarrierGrain>(name).ResetAsync(parties).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task AbortAsync(string name, int? parties = null, CancellationToken cancellationToken = default)
    {
        ThrowIfInvalid(name, parties);
        return cancellationToken.IsCancellationRequested
            ? Task.FromCanceled(cancellationToken)
            : factory.GetGrain<IBarrierGrain>(name).AbortAsync(parties).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<string> ListAsync(string? prefix = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();

        // Every bucket at once: a listing costs one round trip, however many buckets there are.
        var buckets = await Task.WhenAll(Enumerable.Range(0, BarrierRegistryBuckets.Count)
            .Select(bucket => factory.GetGrain<IBarrierRegistryGrain>(bucket).ListAsync(prefix)))
            .WaitAsync(cancellationToken);

        var names = new List<string>(buckets.Sum(b => b.Length));
        foreach (var bucket in buckets)
        {
            names.AddRange(bucket);
        }

        // Each bucket is sorted already, but a name's bucket is its hash, so the buckets interleave.
        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }
    }

    /// <summary>
    /// Checks the arguments at once, before anything is sent (thrown, not returned in the task, as
    /// <see cref="BarrierGrainFactoryExtensions.GetBarrier(IGrainFactory, string, int)"/> does), so a bad name or count
    /// never costs a grain call.
    /// </summary>
    private static void ThrowIfInvalid(string name, int? parties)
    {
        BarrierArguments.ThrowIfInvalidName(name, nameof(name));
        if (parties is { } count)
        {
            BarrierArguments.ThrowIfInvalidParties(count, nameof(parties));
        }
    }
}

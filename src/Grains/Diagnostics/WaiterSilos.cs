using Orleans.Runtime;

namespace Orleans.Barrier;

/// <summary>
/// Where a barrier's grain waiters run, for <see cref="BarrierWaiter.Silo"/> in a status read: looked up through the
/// management grain, and remembered while each waiter waits.
/// </summary>
/// <param name="factory">The barrier grain's grain factory.</param>
internal sealed class WaiterSilos(IGrainFactory factory)
{
    private readonly Dictionary<string, string?> _siloBySource = new(StringComparer.Ordinal);
    private IManagementGrain? _management;

    /// <summary>Finds the silo of each grain participant; clients and unknown callers get null.</summary>
    /// <param name="sources">The waiters' caller ids as status lists them; null where the silo is known already.</param>
    /// <remarks>
    /// Remembered while the participant waits (a waiting grain cannot move), so status polls cost no lookups
    /// after the first; entries of participants no longer listed are dropped each time. With nothing to look up
    /// (no grain waiters, or all known) it completes without touching the management grain, whose reference alone
    /// costs more than the rest of a status read.
    /// </remarks>
    public async Task<string?[]> LocateAsync(IEnumerable<string?> sources)
    {
        var listed = sources.ToArray();
        var silos = new string?[listed.Length];
        List<Task>? lookups = null;
        for (var i = 0; i < listed.Length; i++)
        {
            if (listed[i] is not { } source || !GrainId.TryParse(source, out var grainId) || grainId.IsClient())
            {
                continue;
            }

            if (_siloBySource.TryGetValue(source, out var known))
            {
                silos[i] = known;
                continue;
            }

            (lookups ??= []).Add(LookUpAsync(i, grainId));
        }

        if (lookups is not null)
        {
            await Task.WhenAll(lookups);
        }

        _siloBySource.Clear();
        for (var i = 0; i < listed.Length; i++)
        {
            if (listed[i] is { } source && silos[i] is not null)
            {
                _siloBySource[source] = silos[i];
            }
        }

        return silos;

        async Task LookUpAsync(int index, GrainId grainId)
        {
            try
            {
                _management ??= factory.GetGrain<IManagementGrain>(0);
                silos[index] = (await _management.GetActivationAddress(factory.GetGrain(grainId)))?.ToString();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Where a waiter runs is a courtesy of the status; a failed lookup must not fail the status.
            }
        }
    }
}

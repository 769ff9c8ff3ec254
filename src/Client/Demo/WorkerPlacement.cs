using Orleans.Barrier.Demo;

namespace Orleans.Barrier.Client.Demo;

/// <summary>
/// Finds worker grains that landed on different silos. Placement is random, so it activates workers under fresh
/// keys and asks each where it is, until every silo has its share; with one silo it settles for that one.
/// A cluster whose silos do not host the worker grain (silos of an application of its own, not src/Silo) yields none.
/// </summary>
internal static class WorkerPlacement
{
    // Random placement over two silos covers both within a handful of keys; this only bounds a one-silo cluster.
    private const int MaxProbes = 48;

    /// <summary>
    /// Returns <paramref name="count"/> workers interleaved by silo in the order of <paramref name="silos"/> (first on
    /// the first silo, then the second, ..., then the first again), or none.
    /// </summary>
    public static async Task<(IReadOnlyList<PlacedWorker> Workers, int Probes)> SpreadAsync(
        IGrainFactory factory, string keyPrefix, int count, IReadOnlyList<string> silos, CancellationToken cancellationToken)
    {
        var wanted = Math.Clamp(silos.Count, 1, count);
        var perSilo = count / wanted;
        var bySilo = new Dictionary<string, List<PlacedWorker>>(StringComparer.Ordinal);
        var probes = 0;
        while (probes < MaxProbes && !IsSpread(bySilo, count, wanted, perSilo))
        {
            IDemoWorkerGrain grain;
            try
            {
                grain = factory.GetGrain<IDemoWorkerGrain>($"{keyPrefix}-{++probes}");
            }
            catch (ArgumentException)
            {
                // The cluster's manifest has no implementation of the worker interface.
                return ([], probes);
            }

            var silo = await grain.GetSiloAsync().WaitAsync(cancellationToken);
            if (!bySilo.TryGetValue(silo, out var workers))
            {
                bySilo.Add(silo, workers = []);
            }

            workers.Add(new PlacedWorker(grain, silo));
        }

        // A silo the caller did not list (it joined meanwhile) goes last.
        var rank = silos.Select((silo, position) => (silo, position)).ToDictionary(p => p.silo, p => p.position, StringComparer.Ordinal);
        var ordered = bySilo
            .OrderBy(pair => rank.GetValueOrDefault(pair.Key, int.MaxValue))
            .Select(pair => pair.Value)
            .ToList();
        return (Interleave(ordered, count), probes);
    }

    private static bool IsSpread(Dictionary<string, List<PlacedWorker>> bySilo, int count, int wanted, int perSilo)
        => bySilo.Values.Sum(workers => workers.Count) >= count
            && bySilo.Values.Count(workers => workers.Count >= perSilo) >= wanted;

    private static List<PlacedWorker> Interleave(List<List<PlacedWorker>> bySilo, int count)
    {
        var picked = new List<PlacedWorker>(count);
        for (var round = 0; picked.Count < count && bySilo.Any(workers => workers.Count > round); round++)
        {
            foreach (var workers in bySilo.Where(workers => workers.Count > round))
            {
                if (picked.Count < count)
                {
                    picked.Add(workers[round]);
                }
            }
        }

        return picked;
    }
}

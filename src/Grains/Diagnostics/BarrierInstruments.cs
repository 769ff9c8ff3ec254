using System.Diagnostics.Metrics;

namespace Orleans.Barrier;

/// <summary>
/// The barrier grains' metrics, on the meter named <c>Orleans.Barrier</c> (see <c>API.md</c>). Counters only, and never
/// tagged with a barrier's name (names are unbounded); per-barrier detail is what <see cref="BarrierStatus"/> is for.
/// </summary>
internal static class BarrierInstruments
{
    /// <summary>The meter's name, for <c>AddMeter</c> / <c>dotnet-counters --counters</c>.</summary>
    public const string MeterName = "Orleans.Barrier";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Wait calls received (first arrivals, re-issued polls and withdrawals): what participants cost the barrier in messages.</summary>
    public static readonly Counter<long> WaitCalls = Meter.CreateCounter<long>("orleans-barrier.wait-calls", "{call}", "Wait calls received by barrier grains: arrivals, re-issued polls and withdrawals.");

    /// <summary>Wait calls received by the shards of tiered barriers (arrivals, re-issued polls); their own arrivals at the barrier grain count in <see cref="WaitCalls"/>.</summary>
    public static readonly Counter<long> ShardWaitCalls = Meter.CreateCounter<long>("orleans-barrier.shard-wait-calls", "{call}", "Wait calls received by the shard grains of tiered barriers: participants' arrivals and re-issued polls.");

    /// <summary>Releases (tripped phases).</summary>
    public static readonly Counter<long> Releases = Meter.CreateCounter<long>("orleans-barrier.releases", "{release}", "Phases released by barrier grains.");

    /// <summary>Participants released: a coalesced arrival counts its units.</summary>
    public static readonly Counter<long> ReleasedParticipants = Meter.CreateCounter<long>("orleans-barrier.released-participants", "{participant}", "Participants released by barrier grains (a coalesced arrival counts each of its members).");

    /// <summary>Arrivals released: a coalesced arrival counts once, so participants / arrivals is the coalescing ratio.</summary>
    public static readonly Counter<long> ReleasedArrivals = Meter.CreateCounter<long>("orleans-barrier.released-arrivals", "{arrival}", "Arrivals released by barrier grains (a coalesced arrival counts once).");

    /// <summary>Counts the releases among one step's completions: at most one phase, its participants and its arrivals.</summary>
    public static void CountReleases(IReadOnlyList<ArrivalCompletion> completions)
    {
        var participants = 0;
        var arrivals = 0;
        foreach (var completion in completions)
        {
            if (completion.Result.Kind == ArrivalOutcomeKind.Released)
            {
                participants += completion.Result.Units;
                arrivals++;
            }
        }

        if (arrivals > 0)
        {
            // One step releases at most one phase: a release empties the waiting set.
            Releases.Add(1);
            ReleasedParticipants.Add(participants);
            ReleasedArrivals.Add(arrivals);
        }
    }
}

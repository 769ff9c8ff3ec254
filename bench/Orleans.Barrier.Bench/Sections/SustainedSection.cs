using System.Diagnostics;
using Orleans.Barrier.Bench.Measurement;
using Orleans.Barrier.Bench.Reporting;

namespace Orleans.Barrier.Bench.Sections;

/// <summary>
/// Our barrier at N = 2 running free for a while, settled heap at the start and at the end: whatever it keeps per
/// phase (remembered results, for one) shows as growth per thousand arrivals. It runs in back-to-back rounds of
/// about half a second each, so the heap can be sampled between them; every round is checked like any other.
/// </summary>
internal static class SustainedSection
{
    private const int Parties = 2;
    private static readonly TimeSpan Chunk = TimeSpan.FromMilliseconds(500);

    public static async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var duration = context.Settings.Sustain;
        var table = new TextTable(1, "running free", "N", "seconds", "arrivals", "arrivals/s", "heap at start", "heap at end", "growth per 1000 arrivals");
        foreach (var ours in context.Ours)
        {
            context.Progress.Report($"sustained: {ours.Label}, N = {Parties}, {duration.TotalSeconds:F0}s");

            // A barrier of its own: the latency rounds' barrier would bring their remembered results along.
            var key = $"sustained-{ours.Topology}-{Guid.NewGuid():N}";

            // Size the rounds from a measured one, so the heap is sampled about twice a second whatever the speed.
            var probe = await context.InProcessRounds.RunAsync(ours, Parties, 200, cancellationToken, key);
            var phasesPerChunk = (int)Math.Clamp(Chunk.TotalMilliseconds / (probe.DurationMs / probe.Phases), 10, 100_000);

            var samples = new List<HeapSample>();
            var start = Heap.Settled();
            var started = Stopwatch.GetTimestamp();
            var lastReport = started;
            long phases = 0;
            while (Stopwatch.GetElapsedTime(started) < duration)
            {
                var round = await context.InProcessRounds.RunAsync(ours, Parties, phasesPerChunk, cancellationToken, key);
                phases += round.Phases;
                samples.Add(new HeapSample(Stopwatch.GetElapsedTime(started).TotalSeconds, phases * Parties, GC.GetTotalMemory(forceFullCollection: false)));
                if (Stopwatch.GetElapsedTime(lastReport) >= TimeSpan.FromSeconds(5))
                {
                    lastReport = Stopwatch.GetTimestamp();
                    context.Progress.Report($"sustained: {samples[^1].Seconds:F0}s, {Figures.Count(phases * Parties)} arrivals, heap {Figures.Bytes(samples[^1].HeapBytes)}");
                }
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var end = Heap.Settled();
            var arrivals = phases * Parties;
            var row = new SustainedRow(ours.Label, ours.Topology, Parties, seconds, phases, arrivals, start, end, (end - start) / (arrivals / 1000.0), samples);
            context.Report.Sustained.Add(row);
            table.Add(
                row.Scenario,
                Figures.Count(Parties),
                Figures.Decimal(seconds),
                Figures.Count(arrivals),
                Figures.Count(arrivals / seconds),
                Figures.Bytes(start),
                Figures.Bytes(end),
                Figures.Bytes(row.GrowthBytesPer1000Arrivals));
        }

        context.Output.WriteLine(
            $"Memory after a sustained run: settled heap of the whole process at start and end (result retention {context.Cluster.BarrierOptions.ResultRetention.TotalSeconds:F0}s).");
        context.Output.WriteLine(table);
    }
}

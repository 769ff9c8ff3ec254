using System.Diagnostics;
using Orleans.Barrier.Bench.Measurement;
using Orleans.Barrier.Bench.Reporting;
using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench.Sections;

/// <summary>
/// Phase latency and throughput for each party count: the floor, the naive barrier and ours (each topology),
/// participants running free. Rounds are interleaved (every scenario once per round, the order rotated each round)
/// so that machine noise, GC debt and the JIT hit all scenarios alike.
/// </summary>
/// <remarks>
/// A phase's latency is the time from its first arrival to its last release, both taken on the participants' side.
/// Running free, the first arrival of phase k is the first participant released from phase k - 1, so a phase also
/// overlaps the tail of the previous release; the floor's local rendezvous makes its phases overlap the same way.
/// Phases per second is the other view of the same rounds: phases run / total time, free of that overlap.
/// </remarks>
internal static class LatencySection
{
    public static async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        var scenarios = new List<Scenario>();
        if (settings.Rows.Contains("floor"))
        {
            scenarios.Add(Scenario.Floor);
        }

        if (settings.Rows.Contains("naive"))
        {
            scenarios.Add(Scenario.NaiveBarrier);
        }

        scenarios.AddRange(context.Ours.Where(o => settings.Rows.Contains(o.Coalesced ? "coalesced" : "ours")));
        var table = NewTable();
        await WarmUpAsync(context, scenarios, cancellationToken);
        foreach (var parties in settings.Parties)
        {
            var phases = settings.PhasesFor(parties);
            var figures = scenarios.ToDictionary(s => s, _ => new ScenarioFigures(parties));

            // This N's activations and buffers warm up on a shorter round of each scenario, which is not counted.
            context.Progress.Report($"N = {parties}: warm-up, then {settings.Rounds} rounds of {phases} phases per scenario");
            foreach (var scenario in scenarios)
            {
                await context.Rounds.RunAsync(scenario, parties, Math.Max(settings.MinPhases, phases / 2), cancellationToken);
            }

            for (var round = 0; round < settings.Rounds; round++)
            {
                var summary = new List<string>();
                for (var i = 0; i < scenarios.Count; i++)
                {
                    var scenario = scenarios[(i + round) % scenarios.Count];

                    // Each scenario starts on a collected heap, not paying for the garbage of the one before.
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    var measured = await context.Rounds.RunAsync(scenario, parties, phases, cancellationToken);
                    figures[scenario].Add(measured);
                    summary.Add($"{scenario.Label} {Figures.Ms(measured.DurationMs / measured.Phases)} ms/phase");
                }

                context.Progress.Report($"N = {parties}: round {round + 1}/{settings.Rounds}: {string.Join(", ", summary)}");
            }

            AddRows(context, table, parties, phases, scenarios, figures);
        }

        context.Output.WriteLine(
            $"Phase latency, first arrival to last release, participants running free ({Describe(context)}); "
            + $"{settings.Rounds} interleaved round(s) per N. xfloor: the figure divided by the floor's (rate: higher is better; the rest: lower is better). "
            + "Barrier calls/phase: wait calls the barrier grain received per phase (the floor makes N calls into its grain)."
            + (settings.Processes > 0
                ? " Alloc and CPU per arrival are this process's (silos, and the floor's client): '-' for the rows whose participants ran in the client processes."
                : string.Empty));
        context.Output.WriteLine(table);
    }

    /// <summary>
    /// Runs every scenario in turn, briefly, until the warm-up time is up. Without it the first party count measured
    /// pays for the JIT: tiered compilation promotes hot methods (with their dynamic PGO) only once start-up's stream
    /// of new methods has calmed down, which takes seconds, not a few phases.
    /// </summary>
    private static async Task WarmUpAsync(BenchContext context, List<Scenario> scenarios, CancellationToken cancellationToken)
    {
        const int Parties = 16;
        const int Phases = 50;
        var warmUp = context.Settings.WarmUp;
        context.Progress.Report($"warm-up: every scenario at N = {Parties} in turn for {warmUp.TotalSeconds:F0}s");
        var started = Stopwatch.GetTimestamp();
        do
        {
            foreach (var scenario in scenarios)
            {
                await context.Rounds.RunAsync(scenario, Parties, Phases, cancellationToken);
            }
        }
        while (Stopwatch.GetElapsedTime(started) < warmUp);
    }

    private static TextTable NewTable() => new(
        2,
        "N",
        "scenario",
        "median ms",
        "xfloor",
        "p99 ms",
        "xfloor",
        "phases/s",
        "xfloor",
        "arrivals/s",
        "alloc/arrival",
        "xfloor",
        "CPU us/arrival",
        "xfloor",
        "barrier calls/phase");

    private static void AddRows(BenchContext context, TextTable table, int parties, int phases, List<Scenario> scenarios, Dictionary<Scenario, ScenarioFigures> figures)
    {
        // Without a floor row (--rows) the ratios are NaN, printed as "-".
        var floor = figures.GetValueOrDefault(Scenario.Floor);
        foreach (var scenario in scenarios)
        {
            var f = figures[scenario];

            // This process's allocations and CPU time say nothing of participants that ran in client processes.
            var costsSeen = !context.Rounds.RunsInClientProcesses(scenario);
            double? allocated = costsSeen ? f.AllocatedBytesPerArrival : null;
            double? cpu = costsSeen ? f.CpuMicrosecondsPerArrival : null;
            var ratios = new FloorRatios(
                f.MedianMs / (floor?.MedianMs ?? double.NaN),
                f.P99Ms / (floor?.P99Ms ?? double.NaN),
                f.PhasesPerSecond / (floor?.PhasesPerSecond ?? double.NaN),
                allocated / (floor?.AllocatedBytesPerArrival ?? double.NaN),
                cpu / (floor?.CpuMicrosecondsPerArrival ?? double.NaN));
            context.Report.Latency.Add(new LatencyRow(
                parties,
                scenario.Label,
                scenario.BarrierTopology,
                f.Rounds,
                phases,
                f.Samples,
                f.MedianMs,
                f.P99Ms,
                f.PhasesPerSecond,
                f.ArrivalsPerSecond,
                allocated,
                cpu,
                ratios)
            { BarrierCallsPerPhase = double.IsFinite(f.BarrierCallsPerPhase) ? f.BarrierCallsPerPhase : null });
            table.Add(
                Figures.Count(parties),
                scenario.Label,
                Figures.Ms(f.MedianMs),
                Figures.Ratio(ratios.MedianMs),
                Figures.Ms(f.P99Ms),
                Figures.Ratio(ratios.P99Ms),
                Figures.Rate(f.PhasesPerSecond),
                Figures.Ratio(ratios.PhasesPerSecond),
                Figures.Count(f.ArrivalsPerSecond),
                allocated is { } bytes ? Figures.Bytes(bytes) : "-",
                Figures.Ratio(ratios.AllocatedBytesPerArrival ?? double.NaN),
                cpu is { } microseconds ? Figures.Decimal(microseconds) : "-",
                Figures.Ratio(ratios.CpuMicrosecondsPerArrival ?? double.NaN),
                double.IsFinite(f.BarrierCallsPerPhase) ? Figures.Decimal(f.BarrierCallsPerPhase) : "-");
        }

        table.AddSeparator();
    }

    private static string Describe(BenchContext context)
    {
        var settings = context.Settings;
        var inThisProcess = settings.Clients == 1 ? "sharing one external client" : $"spread over {settings.Clients} external clients";
        return settings.Participants == ParticipantMode.Grain
            ? $"participant grains co-hosted on {settings.Silos} silo(s)"
            : settings.Processes > 0
                ? $"client tasks split evenly over {(settings.Processes == 1 ? "1 client process" : $"{settings.Processes} client processes")} of their own, one external client each, over loopback to {settings.Silos} silo(s); "
                    + $"floor: in this process, client tasks {inThisProcess}"
                : $"client tasks {inThisProcess} over loopback, {settings.Silos} silo(s)";
    }
}

using System.Diagnostics;
using Orleans.Barrier.Bench.Grains;
using Orleans.Barrier.Bench.Processes;
using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench.Measurement;

/// <summary>
/// Runs one round of one scenario: N participants running free for K phases, every arrival and release
/// timestamped on the participant's side, then checks that each phase released everyone with distinct indices.
/// </summary>
/// <param name="clients">The external clients: client participant i uses client i mod their count; the first calls the participant grains.</param>
/// <param name="mode">Who the participants are.</param>
/// <param name="timeout">The longest one round may take.</param>
/// <param name="processes">Client processes to run the participants of every scenario but the floor in, or null to run them all here.</param>
internal sealed class PhaseRoundRunner(IReadOnlyList<IClusterClient> clients, ParticipantMode mode, TimeSpan timeout, ClientProcessPool? processes = null)
{
    /// <summary>
    /// Whether <paramref name="scenario"/>'s participants run in the client processes, where this process's
    /// allocations and CPU time do not see them. The floor never does: its rendezvous costs no message only in one process.
    /// </summary>
    public bool RunsInClientProcesses(Scenario scenario) => processes is not null && scenario.Kind != ScenarioKind.Floor;

    /// <param name="scenario">What the participants do.</param>
    /// <param name="parties">How many participants.</param>
    /// <param name="phases">How many phases each runs.</param>
    /// <param name="cancellationToken">Stops waiting for the round.</param>
    /// <param name="key">The grain or barrier to use instead of the scenario's own for this party count.</param>
    public async Task<RoundMeasurement> RunAsync(Scenario scenario, int parties, int phases, CancellationToken cancellationToken, string? key = null)
    {
        var rendezvous = scenario.Kind == ScenarioKind.Floor ? LocalRendezvous.Open(parties) : Guid.Empty;
        var run = new PhaseRun(scenario.Kind, scenario.Topology, key ?? scenario.KeyFor(parties), parties, phases, rendezvous) { Coalesced = scenario.Coalesced, Shards = scenario.Shards };
        try
        {
            // Phase-major, so a phase's timestamps are contiguous when it is analysed.
            var arrived = new long[parties * phases];
            var released = new long[parties * phases];
            var indices = new int[parties * phases];
            using var timeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeLimit.CancelAfter(timeout);

            var callsBefore = BarrierCallCounter.WaitCalls;
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var cpuBefore = Environment.CpuUsage.TotalTime;
            try
            {
                var participating = RunsInClientProcesses(scenario)
                    ? processes!.RunAsync(run, arrived, released, indices, timeLimit.Token)
                    : mode == ParticipantMode.Client
                        ? RunClientTasksAsync(clients, run, run.Parties, arrived, released, indices)
                        : RunParticipantGrainsAsync(run, arrived, released, indices);
                await participating.WaitAsync(timeLimit.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new BenchFailureException(
                    $"{scenario.Label}, N = {parties}: a round of {phases} phases did not finish within {timeout.TotalSeconds:F0}s.");
            }

            var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            if (allocated < 0)
            {
                throw new BenchFailureException(
                    "GC.GetTotalAllocatedBytes went backwards (dynamic GC adaptation, DATAS, is on?): allocations per arrival would be wrong. Run the bench with DATAS off, as its project sets.");
            }

            CheckReleases(scenario, parties, phases, indices);
            return Analyse(parties, phases, arrived, released, allocated, cpu) with { BarrierCalls = BarrierCallCounter.WaitCalls - callsBefore };
        }
        finally
        {
            LocalRendezvous.Close(rendezvous);
        }
    }

    /// <summary>
    /// Runs <paramref name="count"/> of <paramref name="run"/>'s participants as tasks on <paramref name="clients"/>
    /// (participant i on client i mod their count), recording phase-major with a stride of <paramref name="count"/>:
    /// all of the round's parties in this process, or a client process's share of them.
    /// </summary>
    public static async Task RunClientTasksAsync(IReadOnlyList<IClusterClient> clients, PhaseRun run, int count, long[] arrived, long[] released, int[] indices)
    {
        // Made before the first arrival so the round times participating, not setting up.
        // Spread the same way for every scenario, so each sees the same clients' connections and coalescing.
        var participants = new IPhaseParticipant[count];
        for (var i = 0; i < participants.Length; i++)
        {
            participants[i] = PhaseParticipants.Create(clients[i % clients.Count], run);
        }

        var loops = new Task[count];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = ParticipantLoop.RunAsync(participants[i], run.Phases, new PhaseRecorder(arrived, released, indices, i, count));
        }

        await Task.WhenAll(loops);
    }

    private async Task RunParticipantGrainsAsync(PhaseRun run, long[] arrived, long[] released, int[] indices)
    {
        var calls = new Task<ParticipantTimeline>[run.Parties];
        for (var i = 0; i < calls.Length; i++)
        {
            calls[i] = clients[0].GetGrain<IParticipantGrain>(i).RunAsync(run);
        }

        var timelines = await Task.WhenAll(calls);

        // Grains share this process's Stopwatch, so their timestamps compare with each other's directly.
        for (var i = 0; i < timelines.Length; i++)
        {
            for (var phase = 0; phase < run.Phases; phase++)
            {
                var at = (phase * run.Parties) + i;
                arrived[at] = timelines[i].Arrived[phase];
                released[at] = timelines[i].Released[phase];
                indices[at] = timelines[i].Indices[phase];
            }
        }
    }

    private static void CheckReleases(Scenario scenario, int parties, int phases, int[] indices)
    {
        var seen = new bool[parties];
        for (var phase = 0; phase < phases; phase++)
        {
            Array.Clear(seen);
            for (var i = 0; i < parties; i++)
            {
                var index = indices[(phase * parties) + i];
                if (index < 0 || index >= parties || seen[index])
                {
                    throw new BenchFailureException(
                        $"{scenario.Label}, N = {parties}: phase {phase} of a round released index {index} out of range or twice.");
                }

                seen[index] = true;
            }
        }
    }

    private static RoundMeasurement Analyse(int parties, int phases, long[] arrived, long[] released, long allocated, TimeSpan cpu)
    {
        var latencies = new double[phases];
        var roundStart = long.MaxValue;
        var roundEnd = long.MinValue;
        for (var phase = 0; phase < phases; phase++)
        {
            var firstArrival = long.MaxValue;
            var lastRelease = long.MinValue;
            for (var at = phase * parties; at < (phase + 1) * parties; at++)
            {
                firstArrival = Math.Min(firstArrival, arrived[at]);
                lastRelease = Math.Max(lastRelease, released[at]);
            }

            latencies[phase] = Stopwatch.GetElapsedTime(firstArrival, lastRelease).TotalMilliseconds;
            roundStart = Math.Min(roundStart, firstArrival);
            roundEnd = Math.Max(roundEnd, lastRelease);
        }

        return new RoundMeasurement(
            latencies,
            Stopwatch.GetElapsedTime(roundStart, roundEnd).TotalMilliseconds,
            phases,
            (long)phases * parties,
            allocated,
            cpu);
    }
}

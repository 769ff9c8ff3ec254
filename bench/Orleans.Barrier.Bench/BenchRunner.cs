using Microsoft.Extensions.Logging;
using Orleans.Barrier.Bench.Hosting;
using Orleans.Barrier.Bench.Processes;
using Orleans.Barrier.Bench.Reporting;
using Orleans.Barrier.Bench.Scenarios;
using Orleans.Barrier.Bench.Sections;

namespace Orleans.Barrier.Bench;

/// <summary>
/// One bench run: start the embedded cluster, run the sections (latency, memory, sustained, idle CPU), print each
/// section's table as it completes, and write the JSON report whatever happened. Exit code 0, or 1 if anything failed.
/// </summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(BenchSettings settings, bool verbose, CancellationToken cancellationToken)
    {
        var progress = new Progress();
        var machine = MachineInfo.Current();
        if (!machine.OptimizedBuild)
        {
            progress.Report("WARNING: not a Release build; the numbers mean nothing. Use: dotnet run -c Release --project bench/Orleans.Barrier.Bench");
        }

        var report = new BenchReport { Machine = machine, Setup = null! };
        try
        {
            progress.Report($"starting {settings.Silos} silo(s) and {ExternalClients(settings.Clients)} in this process");
            await using var cluster = await BenchCluster.StartAsync(settings.Silos, settings.Clients, verbose ? LogLevel.Information : LogLevel.Warning);
            var (ours, skipped) = AcceptedTopologies(cluster.Client, settings.Topologies, settings.Shards);
            foreach (var refused in skipped)
            {
                progress.Report($"topology {refused} skipped: {RefusalOf(cluster.Client, refused)}");
                report.Notes.Add($"topology {refused} skipped: {RefusalOf(cluster.Client, refused)}");
            }

            // Disposed before the cluster (declared after it), so the client processes leave while their gateways still answer.
            await using var processes = settings.Processes > 0
                ? await StartClientProcessesAsync(settings.Processes, cluster, verbose, progress, cancellationToken)
                : null;
            if (processes is not null)
            {
                report.Notes.Add(
                    $"The latency rounds' participants ran in {ClientProcesses(settings.Processes)}, the floor's in this process (its rendezvous spans no processes); "
                    + "allocations and CPU per arrival are this process's, so left out for the rows that ran in the client processes.");
            }

            var context = new BenchContext(cluster, settings, ours, report, progress, Console.Out, processes);
            report.Setup = new SetupInfo(
                settings.Participants.ToString(),
                settings.Silos,
                settings.Clients,
                settings.Processes,
                settings.Shards,
                "AddBarriers() defaults: in-memory storage",
                cluster.ClientResponseTimeout.TotalSeconds,
                context.PollInterval.TotalSeconds,
                cluster.BarrierOptions.DefaultLeaseDuration.TotalSeconds,
                cluster.BarrierOptions.ResultRetention.TotalSeconds,
                settings.Quick,
                settings.Parties,
                settings.Rounds,
                settings.ArrivalsPerRound,
                [Scenario.Floor.Label, Scenario.NaiveBarrier.Label, .. ours.Select(o => o.Label)],
                [.. skipped.Select(s => s.ToString())]);
            WriteHeader(context);

            await LatencySection.RunAsync(context, cancellationToken);
            if (settings.MemoryWaiters > 0)
            {
                await MemorySection.RunAsync(context, cancellationToken);
            }

            if (settings.Sustain > TimeSpan.Zero)
            {
                await SustainedSection.RunAsync(context, cancellationToken);
            }

            if (settings.IdleWaiters > 0)
            {
                await IdleCpuSection.RunAsync(context, cancellationToken);
            }

            progress.Report("stopping the cluster");
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            report.Failure = "cancelled";
            progress.Report("cancelled");
            return 1;
        }
        catch (BenchFailureException failure)
        {
            report.Failure = failure.Message;
            progress.Report($"FAILED: {failure.Message}");
            return 1;
        }
        catch (Exception exception)
        {
            report.Failure = exception.ToString();
            progress.Report($"FAILED: {exception}");
            return 1;
        }
        finally
        {
            machine.LoadAverageAtEnd = MachineInfo.LoadAverage();
            report.ElapsedSeconds = progress.Elapsed.TotalSeconds;
            if (settings.JsonPath is { } path)
            {
                await report.WriteAsync(path);
                progress.Report($"wrote {path}");
            }

            progress.Report($"done in {progress.Elapsed.TotalSeconds:F0}s{(report.Failure is null ? string.Empty : " (failed)")}");
        }
    }

    private static async Task<ClientProcessPool> StartClientProcessesAsync(int count, BenchCluster cluster, bool verbose, Progress progress, CancellationToken cancellationToken)
    {
        progress.Report($"starting {count} client process(es)");
        return await ClientProcessPool.StartAsync(count, cluster.Gateways, verbose, cancellationToken);
    }

    /// <summary>Our barrier once per topology that <c>GetBarrier</c> accepts today; the refused ones are reported, not run.</summary>
    private static (List<Scenario> Accepted, List<BarrierTopology> Refused) AcceptedTopologies(IClusterClient client, IReadOnlyList<BarrierTopology> topologies, int? shards)
    {
        var accepted = new List<Scenario>();
        var refused = new List<BarrierTopology>();
        foreach (var topology in topologies)
        {
            if (RefusalOf(client, topology) is null)
            {
                // Only a tiered handle has shards; the others' rows keep null, so nothing suggests they used any.
                var topologyShards = topology == BarrierTopology.Tiered ? shards : null;
                accepted.Add(Scenario.Barrier(topology, coalesced: false, topologyShards));

                // A tiered handle's waits coalesce at their shard, whatever CoalesceArrivals says: one row.
                if (topology != BarrierTopology.Tiered)
                {
                    accepted.Add(Scenario.Barrier(topology, coalesced: true, topologyShards));
                }
            }
            else
            {
                refused.Add(topology);
            }
        }

        return (accepted, refused);
    }

    private static string? RefusalOf(IClusterClient client, BarrierTopology topology)
    {
        try
        {
            // Makes a handle only; no grain call.
            _ = client.GetBarrier("bench-topology-probe", new BarrierOptions { Parties = 2, Topology = topology });
            return null;
        }
        catch (NotSupportedException exception)
        {
            return exception.Message;
        }
    }

    private static void WriteHeader(BenchContext context)
    {
        var machine = context.Report.Machine;
        var setup = context.Report.Setup;
        var output = context.Output;
        output.WriteLine(
            $"Orleans.Barrier bench{(setup.Quick ? " --quick (smoke run: not a measurement)" : string.Empty)}: {machine.Cores} cores, {machine.Os}, {machine.Runtime}, "
            + $"{(machine.ServerGc ? "server" : "workstation")} GC{(machine.ConcurrentGc ? ", concurrent" : string.Empty)}{(machine.DynamicGcAdaptation ? ", DATAS" : string.Empty)}, "
            + $"{(machine.OptimizedBuild ? "Release" : "NOT Release")} build, load average {machine.LoadAverageAtStart ?? "unknown"}");
        var where = setup.Processes > 0
            ? $"This process: {setup.Silos} silo(s) and {ExternalClients(setup.Clients)} over loopback; participants in {ClientProcesses(setup.Processes)}, "
                + "the floor's in this process; "
            : $"One process: {setup.Silos} silo(s) and {ExternalClients(setup.Clients)} over loopback; participants: {setup.Participants}; ";
        output.WriteLine(
            where
            + $"{(setup.Shards is { } shards ? $"tiered shards: {shards}; " : string.Empty)}storage: {setup.Storage}; "
            + $"client response timeout {setup.ClientResponseTimeoutSeconds:F0}s, poll re-issue every {setup.PollIntervalSeconds:F0}s, "
            + $"lease {setup.DefaultLeaseSeconds:F0}s, result retention {setup.ResultRetentionSeconds:F0}s.");
        output.WriteLine();
    }

    /// <summary>"an external client", or "3 external clients".</summary>
    private static string ExternalClients(int count) => count == 1 ? "an external client" : $"{count} external clients";

    /// <summary>"1 client process", or "3 client processes".</summary>
    private static string ClientProcesses(int count) => count == 1 ? "1 client process" : $"{count} client processes";
}

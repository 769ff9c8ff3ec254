using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Client.Connection;
using Orleans.Runtime;

namespace Orleans.Barrier.Client.Demo;

/// <summary>Sets the stage for the demo (an embedded cluster or a running one, a client, spread-out workers), plays it, and tears down.</summary>
internal static class DemoRunner
{
    private const int EmbeddedSilos = 2;
    private const int Workers = 4;

    public static async Task<int> RunAsync(DemoSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        // Embedded silos show their warnings; the client's own (connection retries and the like) would only
        // repeat, with stack traces, what the one-line error already says.
        var siloLogLevel = settings.Verbose ? LogLevel.Information : LogLevel.Warning;
        var clientLogLevel = settings.Verbose ? LogLevel.Information : LogLevel.Critical;
        EmbeddedCluster? cluster = null;
        try
        {
            ClusterSettings clusterSettings;
            if (settings.RunningCluster is { } running)
            {
                clusterSettings = running;
                await output.WriteLineAsync($"Using the running cluster at {running.Description}.");
            }
            else
            {
                await output.WriteLineAsync($"Starting an embedded cluster of {EmbeddedSilos} silos in this process...");
                cluster = await EmbeddedCluster.StartAsync(EmbeddedSilos, settings.ClusterId, settings.ServiceId, siloLogLevel, cancellationToken);
                clusterSettings = new ClusterSettings(cluster.Gateways, "the embedded cluster", settings.ClusterId, settings.ServiceId);
            }

            // Disposed at the end of this block, before the silos stop, so the client leaves a live cluster.
            await using var connection = await ClusterConnection.ConnectAsync(clusterSettings, clientLogLevel, cancellationToken);
            var scenario = await PrepareAsync(connection.Client, cluster, output, cancellationToken);
            await output.WriteLineAsync();
            await scenario.RunAsync(cancellationToken);
        }
        finally
        {
            if (cluster is not null)
            {
                await output.WriteLineAsync();
                await output.WriteLineAsync("Stopping the embedded cluster...");
                await cluster.DisposeAsync();
            }
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Demo finished in {elapsed:0.0}s."));
        return 0;
    }

    private static async Task<DemoScenario> PrepareAsync(IClusterClient client, EmbeddedCluster? cluster, TextWriter output, CancellationToken cancellationToken)
    {
        // Number the silos: the embedded primary is silo-1; a running cluster's silos in endpoint order.
        IReadOnlyList<string> silos = cluster is not null
            ? [.. cluster.Silos.Select(silo => silo.ToString())]
            : [.. (await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true, cancellationToken))
                .Keys.Select(silo => silo.Endpoint.ToString()).Order(StringComparer.Ordinal)];
        var labels = new SiloLabels(silos);
        for (var i = 0; i < silos.Count; i++)
        {
            var role = cluster is null ? string.Empty
                : i == 0 ? $" (primary), gateway {cluster.Gateways[i]}"
                : $" (joined {labels[silos[0]]}), gateway {cluster.Gateways[i]}";
            await output.WriteLineAsync($"  {labels[silos[i]]}: {silos[i]}{role}");
        }

        // A fresh id per run, so a rerun against a running cluster never meets the last run's barrier or workers.
        var runId = Guid.NewGuid().ToString("N")[..6];
        var (placed, probes) = await WorkerPlacement.SpreadAsync(client, $"demo-{runId}-worker", Workers, silos, cancellationToken);
        List<DemoParticipant> workers;
        if (placed.Count == 0)
        {
            workers = [.. Enumerable.Range(1, Workers).Select(i => DemoParticipant.InThisProcess($"client-{i}"))];
            await output.WriteLineAsync(
                "Client connected. The cluster does not host the demo worker grain (it ships in src/Silo, and these silos are not that one), "
                + "so every party runs in this process.");
        }
        else
        {
            workers = [.. placed.Select((worker, i) => new DemoParticipant($"worker-{i + 1}", labels[worker.Silo], worker.Grain))];
            var spread = string.Join(", ", workers.Select(worker => worker.Label));
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"Client connected. Worker grains (random placement, {probes} activated to cover the silos): {spread}."));
            if (workers.Select(worker => worker.Location).Distinct().Count() < Math.Min(silos.Count, Workers))
            {
                await output.WriteLineAsync("  note: random placement did not reach every silo this time.");
            }
        }

        return new DemoScenario(client, $"demo-{runId}", workers, output);
    }
}

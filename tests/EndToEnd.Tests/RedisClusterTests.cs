using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Client.Connection;
using Orleans.Barrier.Connectivity;
using Orleans.Barrier.Demo;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Three silo processes started with <c>--redis</c> against a redis-server of the test's own: membership and barrier
/// state live in Redis, and the CLI finds the gateways there. Participants wait in separate CLI processes, in grains
/// on the silos and in this process, while silos are killed with SIGKILL or all stopped and replaced.
/// </summary>
/// <remarks>
/// The tests share one cluster (<see cref="RedisSiloCluster"/>); each asks for the silos it needs, so they pass in any
/// order: one kills a silo, another replaces them all.
/// </remarks>
public sealed partial class RedisClusterTests : IClassFixture<RedisSiloCluster>
{
    private const int Parties = 5;

    // Starting a client process (dotnet start-up, Redis, the gateway) takes seconds on a loaded machine.
    private static readonly TimeSpan ClientStartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(30);

    // What bounds the phase after the kill: the cluster's detection of the dead silo (seconds, RedisSiloCluster.ProbeTimeout),
    // then the silos' own calls to it fail at once, and a client's poll it held is re-issued once the client's gateway
    // says so (HostWatch, checked every second). The outer bound is for a run whose detection could not be observed.
    private static readonly TimeSpan KillToReleaseBound = TimeSpan.FromSeconds(30) + TimeSpan.FromSeconds(15);
    private static readonly TimeSpan RecoverySlack = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan PhaseBound = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    private readonly RedisSiloCluster _cluster;
    private readonly ITestOutputHelper _output;

    public RedisClusterTests(RedisSiloCluster cluster, ITestOutputHelper output)
    {
        _cluster = cluster;
        _output = output;
    }

    [SkippableFact]
    public async Task WaitAsync_SiloHostingTheBarrierKilledMidPhase_PhaseCompletesOnceWithEveryIndex()
    {
        RedisServer.SkipUnlessInstalled();
        await _cluster.EnsureSilosAsync(RedisSiloCluster.Size);
        PrintNotes();
        var name = $"e2e-kill9-{Guid.NewGuid():N}";
        var (victim, created) = await CreateBarrierAsync(name);
        var survivors = _cluster.Silos.Where(silo => silo != victim).ToList();

        // This process talks only to the survivors' gateways. The calls that start the worker grains' waits last the
        // whole phase, so they get a response timeout longer than it; the late participant keeps Orleans' 30 s.
        await using var driver = await InProcessClient.ConnectAsync(_cluster.ClusterId, survivors, responseTimeout: TimeSpan.FromMinutes(3));
        await using var client = await InProcessClient.ConnectAsync(_cluster.ClusterId, survivors);
        var barrier = client.Client.GetBarrier(name, new BarrierOptions { Parties = Parties, Participant = "late" });
        var workers = await PlaceWorkersAsync(driver.Client, $"{name}-worker", survivors);
        var workerWaits = workers.Select(worker => worker.Grain.ArriveAsync(name, Parties, TimeSpan.Zero)).ToList();
        await using var cli1 = StartCliWait(name, "cli-1");
        await using var cli2 = StartCliWait(name, "cli-2");
        await barrier.WaitForStatusAsync(status => status.Waiting == Parties - 1 || cli1.HasExited || cli2.HasExited, ClientStartBound);
        Assert.False(cli1.HasExited || cli2.HasExited, $"A CLI waiter exited early:\n{cli1.Output}\n{cli2.Output}");
        var statusRun = await ClientProcess.RunAsync(["status", name, .. _cluster.CliArguments]);
        _output.WriteLine(statusRun.Output);

        var sinceKill = Stopwatch.StartNew();
        _cluster.Kill(victim);
        var late = barrier.WaitAsync();
        var cliExits = Task.WhenAll(cli1.WaitForExitAsync(PhaseBound), cli2.WaitForExitAsync(PhaseBound));
        var phase = Task.WhenAll(Task.WhenAll(workerWaits), late, cliExits);
        var failover = ObserveFailoverAsync(client.Client, barrier, victim, sinceKill, phase);
        try
        {
            await phase.WaitAsync(PhaseBound);
        }
        catch (TimeoutException exception)
        {
            var status = await barrier.GetStatusAsync().WaitAsync(CallBound);
            throw new TimeoutException(
                $"The phase was not complete {PhaseBound} after the kill: workers {string.Join(", ", workerWaits.Select(wait => wait.Status))}, "
                + $"late {late.Status}, CLI exited {cli1.HasExited}/{cli2.HasExited}; the barrier on {status.HostSilo} lists "
                + $"{string.Join(", ", status.Waiters.Select(waiter => waiter.Participant))}.\ncli-1:\n{cli1.Output}\ncli-2:\n{cli2.Output}",
                exception);
        }

        var released = sinceKill.Elapsed;
        var (declaredDead, restored) = await failover;
        var after = await barrier.GetStatusAsync().WaitAsync(CallBound);
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"kill -9 of {created.HostSilo}: declared dead after {Seconds(declaredDead)}, barrier answering from {after.HostSilo} after {Seconds(restored)}, "
            + $"phase complete (all {Parties} released) after {released.TotalSeconds:F1}s (probe timeout {RedisSiloCluster.ProbeTimeout.TotalSeconds:0.#}s)"));

        // The silos run with the membership timing the fixture asked for (the line reads Orleans' options back).
        Assert.Contains(
            string.Create(CultureInfo.InvariantCulture, $"liveness probe timeout {RedisSiloCluster.ProbeTimeout.TotalSeconds:0.###}s, dead after 3 missed probes"),
            victim.Output,
            StringComparison.Ordinal);

        // Status while they waited, from a CLI process that found the cluster in Redis.
        Assert.True(statusRun.ExitCode == 0, statusRun.ToString());
        Assert.Contains($"Barrier '{name}': Filling, {Parties - 1} of {Parties} waiting, phase 0.", statusRun.Output, StringComparison.Ordinal);
        Assert.Contains($"Host silo: {created.HostSilo}", statusRun.Output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s+cli-1\s+client\s+waiting ", statusRun.Output);
        Assert.Matches(@"(?m)^\s+cli-2\s+client\s+waiting ", statusRun.Output);
        Assert.All(workers, worker => Assert.Matches(
            $@"(?m)^\s+\S*{Regex.Escape(worker.Key)}\s+S127\.0\.0\.1:{worker.SiloPort}:\d+\s+waiting ",
            statusRun.Output));

        // One release of every participant, on a survivor, counted once in Phase.
        var cliExitCodes = await cliExits;
        var workerReports = await Task.WhenAll(workerWaits);
        var lateIndex = await late;
        Assert.Equal([0, 0], cliExitCodes);
        var indices = workerReports.Select(report => report.Index).Concat([lateIndex, IndexIn(cli1.Output), IndexIn(cli2.Output)]);
        Assert.Equal(Enumerable.Range(0, Parties), indices.Order());
        Assert.Equal((created.Phase + 1, 0, BarrierState.Filling), (after.Phase, after.Waiting, after.State));

        // The new activation met them all by their names (the worker grains by their grain ids) and stored them with the release.
        Assert.Equal(
            ["cli-1", "cli-2", .. workers.Select(worker => $"demoworker/{worker.Key}").Order(StringComparer.Ordinal), "late"],
            after.Missing.Order(StringComparer.Ordinal));
        Assert.Contains(survivors, silo => after.HostSilo?.Contains($":{silo.SiloPort}:", StringComparison.Ordinal) == true);
        Assert.True(released <= KillToReleaseBound, $"Released {released.TotalSeconds:F1}s after the kill; bound {KillToReleaseBound.TotalSeconds:F0}s.");
        if (declaredDead is { } detected)
        {
            Assert.True(
                released <= detected + RecoverySlack,
                $"Released {released.TotalSeconds:F1}s after the kill, {(released - detected).TotalSeconds:F1}s after the silo was declared dead.");
        }
    }

    [SkippableFact]
    public async Task WaitAsync_CliParticipantConnectedThroughRedisKilled_BreaksWithParticipantLostNamingIt()
    {
        RedisServer.SkipUnlessInstalled();
        await _cluster.EnsureSilosAsync(atLeast: 1);
        PrintNotes();
        var name = $"e2e-redis-lease-{Guid.NewGuid():N}";
        await using var client = await InProcessClient.ConnectAsync(_cluster.ClusterId, _cluster.Silos);

        // The default lease (a minute) outlives the test, so only the killed process can be lost.
        var survivor = client.Client.GetBarrier(name, new BarrierOptions { Parties = 3, Participant = "survivor" });
        var survivorWait = survivor.WaitAsync();
        await survivor.WaitForWaitingAsync(1, CallBound);
        await using var doomed = ClientProcess.Start(
            ["wait", name, "--parties", "3", "--participant", "doomed", "--lease", $"{Lease.TotalSeconds}s", .. _cluster.CliArguments]);
        await survivor.WaitForStatusAsync(status => status.Waiters.Any(waiter => waiter.Participant == "doomed") || doomed.HasExited, ClientStartBound);
        Assert.False(doomed.HasExited, $"The client process exited instead of waiting:\n{doomed.Output}");

        var sinceKill = Stopwatch.StartNew();
        await doomed.KillAsync();
        var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => survivorWait.WaitAsync(CallBound));
        var detected = sinceKill.Elapsed;
        _output.WriteLine($"the survivor failed {detected.TotalSeconds:F2}s after the kill (lease {Lease.TotalSeconds:F0}s)");

        // As in KilledClientProcessTests: the lease runs from the last poll, before the kill; a second lease and a second
        // are slack for a loaded machine.
        Assert.Equal(BrokenBarrierReason.ParticipantLost, broken.Reason);
        Assert.Equal(["doomed"], broken.LostParticipants);
        Assert.True(detected <= Lease + Lease + TimeSpan.FromSeconds(1), $"Detected {detected.TotalSeconds:F2}s after the kill.");
    }

    [SkippableFact]
    public async Task FreshCluster_AfterEverySiloStopped_KeepsAnAbortedBarrierBrokenWithItsPhaseAndParties()
    {
        RedisServer.SkipUnlessInstalled();
        await _cluster.EnsureSilosAsync(atLeast: 1);
        var name = $"e2e-restart-{Guid.NewGuid():N}";
        BarrierStatus before;
        await using (var client = await InProcessClient.ConnectAsync(_cluster.ClusterId, _cluster.Silos))
        {
            var barrier = client.Client.GetBarrier(name, 2);
            await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync()).WaitAsync(CallBound);
            await barrier.AbortAsync().WaitAsync(CallBound);
            before = await barrier.GetStatusAsync().WaitAsync(CallBound);
        }

        var stopExitCodes = await _cluster.StopAllAsync();
        await _cluster.EnsureSilosAsync(RedisSiloCluster.Size);
        PrintNotes();
        var after = await StatusThroughRedisAsync(name);
        var statusRunning = ClientProcess.RunAsync(["status", name, .. _cluster.CliArguments]);
        var mismatchRunning = ClientProcess.RunAsync(["wait", name, "--parties", "3", .. _cluster.CliArguments]);
        var (statusRun, mismatch) = (await statusRunning, await mismatchRunning);
        _output.WriteLine(statusRun.Output);

        Assert.All(stopExitCodes, code => Assert.Equal(0, code));
        Assert.Equal((BarrierState.Broken, 1L, 2, BrokenBarrierReason.Aborted), (before.State, before.Phase, before.Parties, before.BrokenReason));
        Assert.Equal((before.State, before.Phase, before.Parties, before.BrokenReason), (after.State, after.Phase, after.Parties, after.BrokenReason));
        Assert.Contains(_cluster.Silos, silo => after.HostSilo?.Contains($":{silo.SiloPort}:", StringComparison.Ordinal) == true);
        Assert.True(statusRun.ExitCode == 0 && statusRun.Output.Contains("Broken reason: Aborted", StringComparison.Ordinal), statusRun.ToString());
        Assert.Contains($"Host silo: {after.HostSilo}", statusRun.Output, StringComparison.Ordinal);
        Assert.True(mismatch.ExitCode == 3 && mismatch.Error.Contains("2 parties", StringComparison.Ordinal), mismatch.ToString());
    }

    [SkippableFact]
    public async Task Cli_RedisWithNoSiloOfThatCluster_PrintsOneLineAndExitsNoSiloReachable()
    {
        RedisServer.SkipUnlessInstalled();
        await _cluster.EnsureRedisAsync();

        var run = await ClientProcess.RunAsync("status", "some-barrier", "--redis", _cluster.Redis.Address, "--cluster-id", $"nobody-{Guid.NewGuid():N}");

        Assert.Equal(4, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("no active silo of this cluster and service is registered there", line, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"with index (\d+)")]
    private static partial Regex ReleasedIndex();

    private static int IndexIn(string cliOutput)
    {
        var match = ReleasedIndex().Match(cliOutput);
        Assert.True(match.Success, $"No index in the CLI's output:\n{cliOutput}");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static string Seconds(TimeSpan? elapsed)
        => elapsed is { } value ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:F1}s") : "(not seen)";

    /// <summary>
    /// Watches, until the phase is over, for the killed silo to leave the active hosts and for the barrier to answer
    /// from another silo. For the report only: the outcome of the test does not depend on it.
    /// </summary>
    private static async Task<(TimeSpan? DeclaredDead, TimeSpan? Restored)> ObserveFailoverAsync(
        IClusterClient client, IDistributedBarrier barrier, SiloProcess victim, Stopwatch sinceKill, Task phase)
    {
        TimeSpan? declaredDead = null;
        TimeSpan? restored = null;
        var management = client.GetGrain<IManagementGrain>(0);
        var victimPort = $":{victim.SiloPort}:";
        while (!phase.IsCompleted && (declaredDead is null || restored is null) && sinceKill.Elapsed < PhaseBound)
        {
            try
            {
                if (declaredDead is null)
                {
                    var active = await management.GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(2));
                    if (!active.Keys.Any(silo => silo.Endpoint.Port == victim.SiloPort))
                    {
                        declaredDead = sinceKill.Elapsed;
                    }
                }

                if (restored is null)
                {
                    var status = await barrier.GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(2));
                    if (status.HostSilo?.Contains(victimPort, StringComparison.Ordinal) == false)
                    {
                        restored = sinceKill.Elapsed;
                    }
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Calls to the killed silo fail or go unanswered until it is declared dead.
            }

            await Task.Delay(100);
        }

        return (declaredDead, restored);
    }

    /// <summary>Creates the barrier (a status read with a party count does) and returns the silo process that hosts it.</summary>
    private async Task<(SiloProcess Host, BarrierStatus Created)> CreateBarrierAsync(string name)
    {
        await using var client = await InProcessClient.ConnectAsync(_cluster.ClusterId, _cluster.Silos);
        var created = await client.Client.GetBarrier(name, Parties).GetStatusAsync().WaitAsync(CallBound);
        return (_cluster.Find(created.HostSilo), created);
    }

    /// <summary>
    /// One demo worker grain on each of <paramref name="silos"/>. Placement is random, so it activates workers under
    /// fresh keys until each silo has one; a worker on the silo about to be killed would die with it, so it is left idle.
    /// </summary>
    private static async Task<List<WorkerOnSilo>> PlaceWorkersAsync(IClusterClient client, string keyPrefix, List<SiloProcess> silos)
    {
        var placed = new Dictionary<int, WorkerOnSilo>();
        for (var attempt = 0; attempt < 48 && placed.Count < silos.Count; attempt++)
        {
            var key = $"{keyPrefix}-{attempt}";
            var grain = client.GetGrain<IDemoWorkerGrain>(key);
            var endpoint = await grain.GetSiloAsync().WaitAsync(CallBound);
            var port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            if (silos.Any(silo => silo.SiloPort == port))
            {
                placed.TryAdd(port, new WorkerOnSilo(key, grain, port));
            }
        }

        Assert.True(placed.Count == silos.Count, $"Random placement put no worker on some of the silos within 48 keys: {string.Join(", ", placed.Keys)}.");
        return [.. placed.Values];
    }

    /// <summary>Reads the barrier's status, without creating it, through a client that finds the gateway in Redis as the CLI does.</summary>
    private async Task<BarrierStatus> StatusThroughRedisAsync(string name)
    {
        Assert.True(RedisSettings.TryParse(_cluster.Redis.Address, out var settings, out var error), error);
        using var timeout = new CancellationTokenSource(CallBound);
        var cluster = ClusterSettings.ThroughRedis(settings!, _cluster.ClusterId, ClusterSettings.DefaultServiceId);
        await using var connection = await ClusterConnection.ConnectAsync(cluster, LogLevel.Critical, timeout.Token);
        var status = await connection.Client.GetBarrierAdmin().GetStatusAsync(name, cancellationToken: timeout.Token);
        return status ?? throw new InvalidOperationException($"Barrier '{name}' is unknown to the cluster: its state was not found.");
    }

    private RunningClientProcess StartCliWait(string name, string participant)
        => ClientProcess.Start(["wait", name, "--parties", $"{Parties}", "--participant", participant, .. _cluster.CliArguments]);

    private void PrintNotes()
    {
        foreach (var note in _cluster.TakeNotes())
        {
            _output.WriteLine(note);
        }
    }

    /// <summary>A worker grain placed on the silo with <paramref name="SiloPort"/>, under grain key <paramref name="Key"/>.</summary>
    private sealed record WorkerOnSilo(string Key, IDemoWorkerGrain Grain, int SiloPort);
}

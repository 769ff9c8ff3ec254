using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Serialization;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Jepsen's faults, for real, on the silo hosting a barrier while participants wait:
/// <list type="bullet">
/// <item>a process pause: SIGSTOP until the others have declared it dead and the barrier lives on another silo, then
/// SIGCONT; it wakes up believing it still hosts the barrier, with the waits it held;</item>
/// <item>a partition: its silo port cut off from the other silos (iptables), while it keeps Redis and its clients.</item>
/// </list>
/// Every wait must still complete exactly once, with indices that are a permutation, within the cluster's detection
/// time and a few seconds, and what the cluster says must be what storage holds.
/// </summary>
/// <remarks>
/// Before the activation claimed the stored barrier, the pause failed every run here (4 runs in 16 in the issue's
/// report): the resumed activation wrote a release over the state the new activation had read but not yet written,
/// and the new one held the rest of the waits for ever. <c>BARRIER_FAULT_ROUNDS</c> runs more rounds in a row (each
/// faults a fresh barrier's silo and replaces it).
/// </remarks>
public sealed partial class SiloFaultTests : IClassFixture<RedisSiloCluster>
{
    private const int Parties = 4;
    private static readonly TimeSpan ClientStartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DeclaredDeadBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PhaseBound = TimeSpan.FromSeconds(90);

    private readonly RedisSiloCluster _cluster;
    private readonly ITestOutputHelper _output;

    public SiloFaultTests(RedisSiloCluster cluster, ITestOutputHelper output)
    {
        _cluster = cluster;
        _output = output;
    }

    [SkippableFact]
    public async Task WaitAsync_BarrierSiloPausedUntilDeclaredDeadThenResumed_EveryWaitCompletesOnceAndStorageAgrees()
    {
        RedisServer.SkipUnlessInstalled();
        await RunRoundsAsync(SiloFault.Pause);
    }

    [SkippableFact]
    public async Task WaitAsync_BarrierSiloCutOffFromTheOtherSilos_EveryWaitCompletesOnceAndStorageAgrees()
    {
        RedisServer.SkipUnlessInstalled();
        SiloFault.SkipUnlessPartitionsCanBeMade();
        await RunRoundsAsync(SiloFault.Partition);
    }

    private async Task RunRoundsAsync(SiloFault fault)
    {
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("BARRIER_FAULT_ROUNDS"), CultureInfo.InvariantCulture, out var asked) ? asked : 1;
        for (var round = 1; round <= rounds; round++)
        {
            await RunRoundAsync(fault, round);
        }
    }

    private async Task RunRoundAsync(SiloFault fault, int round)
    {
        try
        {
            await RunFaultedRoundAsync(fault, round);
        }
        finally
        {
            // Never leave a rule behind or a process stopped, whatever failed.
            await fault.EndAsync();
        }
    }

    private async Task RunFaultedRoundAsync(SiloFault fault, int round)
    {
        await _cluster.EnsureSilosAsync(RedisSiloCluster.Size);
        var name = $"e2e-{fault.Name}-{round}-{Guid.NewGuid():N}";
        var (victim, created) = await CreateBarrierAsync(name);
        var survivors = _cluster.Silos.Where(silo => silo != victim).ToList();
        await using var observer = await InProcessClient.ConnectAsync(_cluster.ClusterId, survivors);
        var barrier = observer.Client.GetBarrier(name, Parties);

        // Three waits arrive while the silo runs; the host holds their polls.
        await using var cli1 = StartCliWait(name, "cli-1");
        await using var cli2 = StartCliWait(name, "cli-2");
        await using var cli3 = StartCliWait(name, "cli-3");
        var waiters = new[] { cli1, cli2, cli3 };
        await barrier.WaitForStatusAsync(status => status.Waiting == Parties - 1 || waiters.Any(cli => cli.HasExited), ClientStartBound);
        Assert.False(waiters.Any(cli => cli.HasExited), $"A CLI waiter exited early:\n{string.Join('\n', waiters.Select(cli => cli.Output))}");

        // The fault: frozen (its sockets stay open, nothing answers), or cut off from the other silos (it still answers
        // its clients and reaches Redis). The fourth wait starts meanwhile.
        var sincePause = Stopwatch.StartNew();
        _cluster.Forget(victim);
        await fault.StartAsync(victim, survivors);
        await using var cli4 = StartCliWait(name, "cli-4");
        var clis = new[] { cli1, cli2, cli3, cli4 };
        var declaredDead = await WaitUntilDeclaredDeadAsync(observer.Client, victim);

        // Resumed only once a survivor hosts the barrier and the late wait has reached it: that activation read the
        // stored barrier, and the frozen one still holds three waits and believes it hosts it.
        var moved = await WaitUntilMovedAsync(barrier, victim, created.Phase);
        var paused = sincePause.Elapsed;
        await fault.EndAsync();
        var sinceResume = Stopwatch.StartNew();

        var exits = Task.WhenAll(clis.Select(cli => cli.WaitForExitAsync(PhaseBound)));
        try
        {
            await exits;
        }
        catch (Exception exception) when (exception is TimeoutException or InvalidOperationException)
        {
            var stuck = await barrier.GetStatusAsync().WaitAsync(CallBound);
            throw new TimeoutException(
                $"{fault.Name} round {round}: not every wait completed {PhaseBound} after the fault ended: CLI exited {string.Join("/", clis.Select(cli => cli.HasExited))}; "
                + $"the barrier on {stuck.HostSilo}: {stuck.State}, {stuck.Waiting} waiting, phase {stuck.Phase}.\n"
                + string.Join('\n', clis.Select(cli => cli.Output)),
                exception);
        }

        var completed = sinceResume.Elapsed;
        var recovered = sincePause.Elapsed;
        var after = await barrier.GetStatusAsync().WaitAsync(CallBound);
        var stored = await ReadStoredPhaseAsync(observer.Client, name);
        _output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"{fault.Name} round {round}: {fault.Name} of {created.HostSilo}; declared dead after {declaredDead.TotalSeconds:F1}s; barrier answering from {moved.HostSilo} "
            + $"with {moved.Waiting} waiting after {paused.TotalSeconds:F1}s; fault ended; every wait completed {completed.TotalSeconds:F1}s later; "
            + $"indices {string.Join(",", clis.Select(cli => IndexIn(cli.Output)))}; {recovered.TotalSeconds:F1}s from the fault to the completed phase"));

        // Every wait completed once, indices a permutation, and the cluster's phase is the stored one.
        var exitCodes = await exits;
        Assert.Equal([0, 0, 0, 0], exitCodes);
        Assert.Equal(Enumerable.Range(0, Parties), clis.Select(cli => IndexIn(cli.Output)).Order());
        Assert.Equal((created.Phase + 1, 0, BarrierState.Filling), (after.Phase, after.Waiting, after.State));
        Assert.Equal(after.Phase, stored);

        // Recovered within the cluster's detection time and a few seconds: the waits whose polls the frozen silo held
        // learned of its death from their gateways (HostWatch) instead of waiting out the hold.
        Assert.True(
            recovered <= declaredDead + fault.RecoverySlack,
            $"The phase completed {recovered.TotalSeconds:F1}s after the {fault.Name}; the silo was declared dead after {declaredDead.TotalSeconds:F1}s.");

        // The next phase works, from participants on the survivors.
        var next = await Task.WhenAll(Enumerable.Range(0, Parties).Select(_ => barrier.WaitAsync())).WaitAsync(PhaseBound);
        Assert.Equal(Enumerable.Range(0, Parties), next.Order());
        Assert.Equal(created.Phase + 2, (await barrier.GetStatusAsync().WaitAsync(CallBound)).Phase);
        Assert.Equal(created.Phase + 2, await ReadStoredPhaseAsync(observer.Client, name));

        // The faulted silo learns it was declared dead and stops; if it does not, it is killed here so the next round
        // starts from a healthy cluster (the fixture kills it at the end anyway).
        var stoppedItself = await victim.WaitForExitAsync(TimeSpan.FromSeconds(30));
        _output.WriteLine($"{fault.Name} round {round}: the faulted silo {(stoppedItself ? "stopped itself" : "was still running 30 s after the phase; killed")}");
        if (!stoppedItself)
        {
            victim.Kill();
        }
    }

    /// <summary>Creates the barrier (a status read with a party count stores it) and returns the silo process that hosts it.</summary>
    private async Task<(SiloProcess Host, BarrierStatus Created)> CreateBarrierAsync(string name)
    {
        await using var client = await InProcessClient.ConnectAsync(_cluster.ClusterId, _cluster.Silos);
        var created = await client.Client.GetBarrier(name, Parties).GetStatusAsync().WaitAsync(CallBound);
        return (_cluster.Find(created.HostSilo), created);
    }

    private static async Task<TimeSpan> WaitUntilDeclaredDeadAsync(IClusterClient client, SiloProcess victim)
    {
        var watch = Stopwatch.StartNew();
        var management = client.GetGrain<IManagementGrain>(0);
        while (watch.Elapsed < DeclaredDeadBound)
        {
            try
            {
                var active = await management.GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(2));
                if (!active.Keys.Any(silo => silo.Endpoint.Port == victim.SiloPort))
                {
                    return watch.Elapsed;
                }
            }
            catch (TimeoutException)
            {
                // A call that a survivor forwarded to the frozen silo; ask again.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The faulted silo on port {victim.SiloPort} was not declared dead within {DeclaredDeadBound}.");
    }

    /// <summary>
    /// Waits until a survivor hosts the barrier and holds the late wait (or the phase is over). Each status call is
    /// bounded on its own: one that a survivor forwarded to the frozen silo would otherwise wait out the client's
    /// 30 s response timeout and blur the timing.
    /// </summary>
    private static async Task<BarrierStatus> WaitUntilMovedAsync(IDistributedBarrier barrier, SiloProcess victim, long phase)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < PhaseBound)
        {
            try
            {
                var status = await barrier.GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(2));
                if (status.HostSilo?.Contains($":{victim.SiloPort}:", StringComparison.Ordinal) == false && (status.Waiting >= 1 || status.Phase > phase))
                {
                    return status;
                }
            }
            catch (Exception exception) when (exception is TimeoutException or OrleansException)
            {
                // Forwarded to the frozen silo, or refused while the cluster re-homes the barrier; ask again.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"No survivor held the barrier's late wait within {PhaseBound} of the fault.");
    }

    /// <summary>The phase the barrier's stored state holds in Redis, read past every activation.</summary>
    private async Task<long> ReadStoredPhaseAsync(IClusterClient client, string name)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_cluster.Redis.Address);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var key = Assert.Single(server.Keys(pattern: $"*barrier/{name}/barrier"));
        var data = (byte[]?)await redis.GetDatabase().HashGetAsync(key, "data");
        Assert.NotNull(data);
        var stored = client.ServiceProvider.GetRequiredService<Serializer>().Deserialize<StoredBarrier>(data);
        return stored?.Phase ?? throw new InvalidOperationException($"Redis holds no barrier under {key}.");
    }

    private RunningClientProcess StartCliWait(string name, string participant)
        => ClientProcess.Start(["wait", name, "--parties", $"{Parties}", "--participant", participant, .. _cluster.CliArguments]);

    [GeneratedRegex(@"with index (\d+)")]
    private static partial Regex ReleasedIndex();

    private static int IndexIn(string cliOutput)
    {
        var match = ReleasedIndex().Match(cliOutput);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
    }
}

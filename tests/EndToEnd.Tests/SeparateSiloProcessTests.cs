using System.Diagnostics;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Two real silo processes (src/Silo) and a client in this process: the barrier across OS processes, and a silo
/// process killed while participants wait on the barrier it hosts.
/// </summary>
public sealed class SeparateSiloProcessTests(ITestOutputHelper output) : IAsyncLifetime
{
    // One cluster per test, not a class fixture: a test here kills a silo.
    private readonly SiloProcessCluster _cluster = new();

    private SiloProcess Primary => _cluster.Primary;

    private SiloProcess Secondary => _cluster.Secondary;

    private IClusterClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        try
        {
            await _cluster.InitializeAsync();
        }
        finally
        {
            foreach (var note in _cluster.StartupNotes)
            {
                output.WriteLine(note);
            }
        }
    }

    public Task DisposeAsync() => _cluster.DisposeAsync();

    [Fact]
    public async Task WaitAsync_ParticipantsOnBothGateways_AreReleasedTogether()
    {
        var barrier = Client.GetBarrier($"e2e-{Guid.NewGuid():N}", 3);

        var indices = await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync(), barrier.WaitAsync()).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal([0, 1, 2], indices.Order());
        Assert.Equal(1, (await barrier.GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(30))).Phase);
    }

    [Fact]
    public async Task WaitAsync_HostSiloProcessKilled_WaitersReattachToTheSurvivorAndAreReleased()
    {
        var barrier = await FindBarrierOnAsync(Secondary, parties: 3);
        var waits = new[] { barrier.WaitAsync(), barrier.WaitAsync() };
        await barrier.WaitForWaitingAsync(2, TimeSpan.FromSeconds(30));

        var killed = Stopwatch.StartNew();
        Secondary.Kill();
        var status = await barrier.WaitForWaitingAsync(2, TimeSpan.FromSeconds(120), throughFailures: true);
        output.WriteLine($"re-attached to {status.HostSilo} {killed.Elapsed.TotalSeconds:F1}s after the kill");

        Assert.Contains($":{Primary.SiloPort}:", status.HostSilo, StringComparison.Ordinal);
        Assert.All(waits, w => Assert.False(w.IsCompleted));
        Assert.Equal(2, await barrier.WaitAsync().WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal([0, 1], (await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(60))).Order());
    }

    [Fact]
    public async Task Cli_WaitStatusAbortReset_AgainstSiloProcesses()
    {
        var name = $"cli-{Guid.NewGuid():N}";
        var primaryGateway = _cluster.GatewayArguments(Primary);
        var secondaryGateway = _cluster.GatewayArguments(Secondary);

        var waits = await Task.WhenAll(
            ClientProcess.RunAsync(["wait", name, "--parties", "2", .. primaryGateway]),
            ClientProcess.RunAsync(["wait", name, "--parties", "2", "--participant", "cli-b", "--lease", "5s", "--on-lost", "evict", .. secondaryGateway]));
        var status = await ClientProcess.RunAsync(["status", name, .. primaryGateway]);
        var mismatch = await ClientProcess.RunAsync(["wait", name, "--parties", "3", .. primaryGateway]);
        var abort = await ClientProcess.RunAsync(["abort", name, .. secondaryGateway]);
        var broken = await ClientProcess.RunAsync(["wait", name, "--parties", "2", .. primaryGateway]);
        var reset = await ClientProcess.RunAsync(["reset", name, .. primaryGateway]);
        var statusAfterReset = await ClientProcess.RunAsync(["status", name, .. primaryGateway]);

        Assert.All(waits, run => Assert.True(run.ExitCode == 0, run.ToString()));
        Assert.Equal(["index 0", "index 1"], waits.Select(run => IndexIn(run.Output)).Order());
        Assert.True(status.ExitCode == 0 && status.Output.Contains("phase 1", StringComparison.Ordinal), status.ToString());
        Assert.True(mismatch.ExitCode != 0 && mismatch.Error.Contains("2 parties", StringComparison.Ordinal), mismatch.ToString());
        Assert.True(abort.ExitCode == 0, abort.ToString());
        Assert.True(broken.ExitCode != 0 && broken.Error.Contains("Aborted", StringComparison.Ordinal), broken.ToString());
        Assert.DoesNotContain("   at ", broken.Error, StringComparison.Ordinal);
        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.True(statusAfterReset.Output.Contains("Filling", StringComparison.Ordinal), statusAfterReset.ToString());
    }

    [Fact]
    public async Task Cli_TieredWaitsThroughShards_AgainstSiloProcesses()
    {
        var name = $"cli-tiered-{Guid.NewGuid():N}";
        var primaryGateway = _cluster.GatewayArguments(Primary);
        var secondaryGateway = _cluster.GatewayArguments(Secondary);

        // Three processes, one participant each, through two shards and both gateways: the shape tiers are for.
        var waits = await Task.WhenAll(
            ClientProcess.RunAsync(["wait", name, "--parties", "3", "--shards", "2", .. primaryGateway]),
            ClientProcess.RunAsync(["wait", name, "--parties", "3", "--shards", "2", "--participant", "cli-b", .. secondaryGateway]),
            ClientProcess.RunAsync(["wait", name, "--parties", "3", "--shards", "2", "--participant", "cli-c", .. primaryGateway]));
        var status = await ClientProcess.RunAsync(["status", name, .. secondaryGateway]);

        Assert.All(waits, run => Assert.True(run.ExitCode == 0, run.ToString()));
        Assert.Equal(["index 0", "index 1", "index 2"], waits.Select(run => IndexIn(run.Output)).Order());
        Assert.True(status.ExitCode == 0 && status.Output.Contains("phase 1", StringComparison.Ordinal), status.ToString());
        Assert.Contains("cli-b", status.Output, StringComparison.Ordinal);
    }

    private static string IndexIn(string output)
    {
        var at = output.IndexOf("index ", StringComparison.Ordinal);
        return at < 0 ? output : output.Substring(at, "index 0".Length);
    }

    /// <summary>
    /// Looks for a barrier name that Orleans places on <paramref name="silo"/>. Placement is Orleans' choice (it
    /// weighs silo load and prefers the gateway silo), so this tries fresh names until one lands there, bounded in time.
    /// </summary>
    private async Task<IDistributedBarrier> FindBarrierOnAsync(SiloProcess silo, int parties)
    {
        var bound = TimeSpan.FromSeconds(60);
        var searching = Stopwatch.StartNew();
        var hosts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (searching.Elapsed < bound)
        {
            for (var attempt = 0; attempt < 20; attempt++)
            {
                var barrier = Client.GetBarrier($"e2e-failover-{Guid.NewGuid():N}", parties);
                var host = (await barrier.GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(30))).HostSilo ?? "unknown";
                if (host.Contains($":{silo.SiloPort}:", StringComparison.Ordinal))
                {
                    output.WriteLine($"barrier placed on {host} after {searching.Elapsed.TotalSeconds:F1}s");
                    return barrier;
                }

                hosts[host] = hosts.GetValueOrDefault(host) + 1;
            }

            // Placement follows load statistics that silos publish periodically; give them time to change.
            await Task.Delay(250);
        }

        throw new InvalidOperationException(
            $"No barrier landed on the silo at port {silo.SiloPort} within {bound}; they landed on: "
            + string.Join(", ", hosts.Select(pair => $"{pair.Key} ×{pair.Value}")));
    }
}

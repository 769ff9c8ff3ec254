using System.Diagnostics;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Kills the silo of a tiered barrier's shard round after round: in odd rounds while the party fills, in even ones a
/// random 0-3 ms after the last wait, around the release (which may reach the shard and die with it before its
/// participants hear of it).
/// The participants re-attach to the shard's next activation; every round must still release each of them exactly
/// once, as a permutation, and the barrier's phase must count exactly one release per round (a participant counted
/// twice would release a round early or leave one waiting). The root stays on the primary silo, which is never killed.
/// </summary>
public sealed class TieredCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Parties = 4;
    private const int Shards = 2;
    private const int Rounds = 8;

    // Far longer than the test: only the shard's next activation may drop what a dead one left waiting.
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan SiloBound = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan RoundBound = TimeSpan.FromSeconds(60);

    private TestCluster _cluster = null!;

    public async Task InitializeAsync()
        => _cluster = await BarrierClusterFixture.DeployAsync(silos: 3, builder => builder.AddSiloBuilderConfigurator<ShardsOnSecondaries>());

    public Task DisposeAsync() => BarrierClusterFixture.ShutDownAsync(_cluster);

    [Fact]
    public async Task WaitAsync_ShardSiloKilledAroundEveryRelease_EachRoundReleasesEveryoneOnceAndThePhaseCountsEachRound()
    {
        var random = new Random();
        var name = await FindBarrierOnThePrimaryAsync();
        var watcher = _cluster.Client.GetBarrier(name, Parties);
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var kills = 0;

        for (var round = 1; round <= Rounds; round++)
        {
            var handles = Enumerable.Range(0, Parties).Select(_ => _cluster.Client.GetBarrier(name, new BarrierOptions
            {
                Parties = Parties,
                Topology = BarrierTopology.Tiered,
                Shards = Shards,
                LeaseDuration = Lease,
                OnParticipantLost = ParticipantLossPolicy.Evict,
            })).ToArray();
            var waits = handles[..^1].Select(h => h.WaitAsync()).ToList();
            await watcher.WaitForWaitingAsync(Parties - 1, RoundBound, throughFailures: true);

            // While the party fills (its shard's participants must re-attach and be counted once), or right around
            // the release (which may reach the shard and die with it before its participants hear of it).
            var victim = await FindShardSiloAsync(management, name);
            var whileFilling = round % 2 == 1;
            var delay = random.Next(0, 4);
            if (victim is not null && whileFilling)
            {
                await KillAndReplaceAsync(victim);
            }

            waits.Add(handles[^1].WaitAsync());
            if (victim is not null && !whileFilling)
            {
                await Task.Delay(delay);
                await KillAndReplaceAsync(victim);
            }

            kills += victim is null ? 0 : 1;
            int[] indices;
            try
            {
                indices = await Task.WhenAll(waits).WaitAsync(RoundBound);
            }
            catch (TimeoutException)
            {
                var stuck = await watcher.GetStatusAsync().Bounded();
                output.WriteLine($"round {round} stuck (victim {victim?.SiloAddress}, while filling {whileFilling}): waits {string.Join(", ", waits.Select(w => w.Status))}; phase {stuck.Phase}, waiting {stuck.Waiting} in {stuck.Arrivals} arrivals ({string.Join(", ", stuck.Waiters.Select(w => w.Participant))})");
                throw;
            }

            var status = await watcher.WaitForStatusAsync(s => s.Phase >= round, RoundBound, throughFailures: true);
            var what = victim is null ? "no shard on a killable silo" : whileFilling ? "killed a shard's silo while filling" : $"killed a shard's silo {delay} ms after the last wait";
            output.WriteLine($"round {round}: {what}; indices {string.Join(",", indices)}; phase {status.Phase}, waiting {status.Waiting} ({string.Join(", ", status.Waiters.Select(w => w.Participant))})");

            Assert.Equal(round, status.Phase);

            Assert.Equal(Enumerable.Range(0, Parties), indices.Order());
            Assert.Equal(0, status.Waiting);
            Assert.False(status.IsBroken);
        }

        output.WriteLine($"{kills} kills in {Rounds} rounds");
        Assert.True(kills > 0, "No round found a shard to kill.");
    }

    private async Task KillAndReplaceAsync(SiloHandle victim)
    {
        await _cluster.KillSiloAsync(victim).WaitAsync(SiloBound);
        await _cluster.StartAdditionalSiloAsync(startAdditionalSiloOnNewPort: true).WaitAsync(SiloBound);
    }

    /// <summary>A barrier whose grain (the root) is on the primary silo, which the test never kills.</summary>
    private async Task<string> FindBarrierOnThePrimaryAsync()
    {
        var searching = Stopwatch.StartNew();
        while (searching.Elapsed < TimeSpan.FromSeconds(30))
        {
            var name = TestBounds.UniqueName("tiered-crash");
            var status = await _cluster.Client.GetBarrier(name, Parties).GetStatusAsync().Bounded();
            if (status.HostSilo == _cluster.Primary!.SiloAddress.ToString())
            {
                return name;
            }
        }

        throw new InvalidOperationException("No barrier landed on the primary silo within 30 s.");
    }

    /// <summary>A live secondary silo hosting one of the barrier's shards, or null if no shard is active.</summary>
    private async Task<SiloHandle?> FindShardSiloAsync(IManagementGrain management, string name)
    {
        for (var shard = 0; shard < Shards; shard++)
        {
            var at = (await management.GetActivationAddress(_cluster.Client.GetGrain<IBarrierShardGrain>($"{shard}/{name}")).AsTask().Bounded())?.ToString();
            if (_cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.ToString() == at) is { } silo)
            {
                return silo;
            }
        }

        return null;
    }

    private sealed class ShardsOnSecondaries : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.PlaceOnSecondarySilos(GrainType.Create("barrier-shard"));
    }
}

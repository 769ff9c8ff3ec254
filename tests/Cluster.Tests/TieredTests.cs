using System.Diagnostics;
using Orleans.Barrier.Testing;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// What only a tiered barrier has: shards that coalesce the waits of participants from anywhere, their epochs and
/// recall when an activation dies, and leases that run at the shard as its own protocol sees them. (The contract
/// itself, lost participants included, runs over both shapes in the spec classes, e.g. <see cref="LeaseTests.OnTiers"/>.)
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class TieredTests(BarrierClusterFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task WaitAsync_ThousandTieredWaits_ReachTheRootInFewerArrivalsAndAreReleasedWithAPermutation()
    {
        const int Parties = 1_000;
        var name = TestBounds.UniqueName("tiered-thousand");

        // Four handles made one after another take the four shards in turn.
        var handles = Enumerable.Range(0, 4).Select(_ => Tiered(_client, name, Parties, shards: 4)).ToArray();
        var waits = Enumerable.Range(0, Parties - 1).Select(i => handles[i % 4].WaitAsync()).ToList();
        var status = await handles[0].WaitForWaitingAsync(Parties - 1);
        waits.Add(handles[0].WaitAsync());
        var indices = await Task.WhenAll(waits).Bounded();

        // Client waits do not coalesce in their process under Tiered, so fewer arrivals than waits means the shards did
        // it. How many fewer depends on how the waits trickle in (one run: 609 arrivals, others far fewer).
        output.WriteLine($"{Parties - 1} tiered waits over 4 shards reached the root as {status.Arrivals} arrivals");
        Assert.InRange(status.Arrivals, 1, Parties - 2);
        Assert.Equal(Enumerable.Range(0, Parties), indices.Order());
    }

    [Fact]
    public async Task WaitAsync_TieredAndSingleGrainHandlesOnOneBarrier_ShareEachRelease()
    {
        const int Parties = 6;
        var name = TestBounds.UniqueName("mixed-shapes");
        var tiered = Tiered(_client, name, Parties, shards: 2);
        var direct = _client.GetBarrier(name, new BarrierOptions { Parties = Parties, CoalesceArrivals = false });
        var worker = _client.GetGrain<IParticipantGrain>($"{name}-worker");

        for (var phase = 1; phase <= 3; phase++)
        {
            Task<int>[] waits = [tiered.WaitAsync(), tiered.WaitAsync(), direct.WaitAsync(), direct.WaitAsync(), worker.WaitAsync(name, Parties, null), tiered.WaitAsync()];
            var indices = await Task.WhenAll(waits).Bounded();
            Assert.Equal(Enumerable.Range(0, Parties), indices.Order());
        }

        Assert.Equal(3, (await direct.GetStatusAsync().Bounded()).Phase);
    }

    [Fact]
    public async Task WaitAsync_TieredParticipantsWithNames_AreListedByNameAtTheRoot()
    {
        var name = TestBounds.UniqueName("tiered-names");
        var waits = Enumerable.Range(1, 3).Select(i => Tiered(_client, name, 4, shards: 1, participant: $"worker-{i}").WaitAsync()).ToList();
        var watcher = _client.GetBarrier(name, 4);

        var status = await watcher.WaitForWaitingAsync(3);

        Assert.Equal(["worker-1", "worker-2", "worker-3"], status.Waiters.Select(w => w.Participant).Order(StringComparer.Ordinal));
        waits.Add(watcher.WaitAsync());
        Assert.Equal([0, 1, 2, 3], (await Task.WhenAll(waits).Bounded()).Order());
        var after = await watcher.GetStatusAsync().Bounded();
        Assert.Equal(4, after.Missing.Count);
        Assert.Subset(after.Missing.ToHashSet(), new HashSet<string> { "worker-1", "worker-2", "worker-3" });
    }

    [Fact]
    public async Task WaitAsync_TieredPartyMismatch_FailsTheWaitClearly()
    {
        var name = TestBounds.UniqueName("tiered-mismatch");
        var existing = _client.GetBarrier(name, 3);
        var waiting = existing.WaitAsync();
        await existing.WaitForWaitingAsync(1);

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => Tiered(_client, name, 4, shards: 1).WaitAsync()).Bounded();

        Assert.Contains("3 parties", thrown.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await existing.GetStatusAsync().Bounded()).Waiting);
        await existing.AbortAsync().Bounded();
        await Assert.ThrowsAsync<BrokenBarrierException>(() => waiting).Bounded();
    }

    [Fact]
    public async Task ShardGrain_RequestsOnlyARootTakes_AreRefusedAndTheBarrierIsUnharmed()
    {
        var name = TestBounds.UniqueName("shard-abuse");
        var shard = _client.GetGrain<IBarrierShardGrain>($"0/{name}");
        var request = new ArrivalRequest(ArrivalId.New(), 2, null, TimeSpan.FromMilliseconds(100), null);

        foreach (var bad in new[] { request with { Units = 2 }, request with { Members = ["a"] }, request with { MemberIds = [Guid.NewGuid()] }, request with { Shard = "1/elsewhere", ShardEpoch = 1 } })
        {
            var thrown = await Assert.ThrowsAsync<ArgumentException>(() => shard.WaitAsync(bad)).Bounded();
            Assert.Contains("single participants' arrivals only", thrown.Message, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<ArgumentException>(() => _client.GetGrain<IBarrierShardGrain>(name).WaitAsync(request)).Bounded();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => shard.WaitAsync(request with { Parties = 0 })).Bounded();
        Assert.Throws<ArgumentOutOfRangeException>(() => _client.GetBarrier(name, new BarrierOptions { Parties = 2, Topology = BarrierTopology.Tiered, Shards = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => _client.GetBarrier(name, new BarrierOptions { Parties = 2, Topology = BarrierTopology.Tiered, Shards = BarrierOptions.MaxShards + 1 }));

        var barrier = Tiered(_client, name, 2, shards: 1);
        Assert.Equal([0, 1], (await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync()).Bounded()).Order());
        Assert.Equal(0, (await barrier.GetStatusAsync().Bounded()).Waiting);
    }

    [Fact]
    public async Task ShardGrain_ReissuedPolls_CountOnceAndARememberedReleaseIsAnsweredAgain()
    {
        var name = TestBounds.UniqueName("shard-reissue");
        var shard = _client.GetGrain<IBarrierShardGrain>($"0/{name}");
        var arrival = ArrivalId.New();
        var request = new ArrivalRequest(arrival, 2, null, TimeSpan.FromMilliseconds(100), null);

        var first = await shard.WaitAsync(request).Bounded();
        var again = await shard.WaitAsync(request with { Parties = null, Incarnation = first.Incarnation }).Bounded();
        var unmet = await shard.WaitAsync(request with { Id = ArrivalId.New(), Parties = null, Incarnation = long.MaxValue }).Bounded();
        var root = _client.GetBarrier(name, 2);
        await root.WaitForWaitingAsync(1);
        var last = await root.WaitAsync().Bounded();
        var late = await shard.WaitAsync(request with { Incarnation = first.Incarnation }).Bounded();
        var unknown = await shard.WaitAsync(request with { Id = ArrivalId.New(), Incarnation = first.Incarnation }).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Pending, first.Kind);
        Assert.Equal(ArrivalOutcomeKind.Pending, again.Kind);

        // A re-issue without its count to an activation that never took it goes again with the count; it joins nothing.
        Assert.Equal(ArrivalOutcomeKind.Unmet, unmet.Kind);
        Assert.Equal(1, last);
        Assert.Equal(ArrivalOutcomeKind.Released, late.Kind);
        Assert.Equal(0, late.Index);
        Assert.Equal(ArrivalOutcomeKind.Unknown, unknown.Kind);
        Assert.Equal(0, (await root.GetStatusAsync().Bounded()).Waiting);
    }

    [Fact]
    public async Task ShardGrain_CancellationOvertakingItsArrival_LeavesNoGhost()
    {
        var name = TestBounds.UniqueName("shard-overtaken");
        var shard = _client.GetGrain<IBarrierShardGrain>($"0/{name}");
        var arrival = ArrivalId.New();

        var cancelled = await shard.CancelAsync(arrival, 2).Bounded();
        var late = await shard.WaitAsync(new ArrivalRequest(arrival, 2, null, TimeSpan.FromMilliseconds(100), null)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Cancelled, cancelled.Kind);
        Assert.Equal(ArrivalOutcomeKind.Cancelled, late.Kind);
        Assert.Equal(0, (await _client.GetBarrier(name, 2).GetStatusAsync().Bounded()).Waiting);
    }

    [Fact]
    public async Task ShardGrain_ParticipantsReattachingFromADeadActivation_GetTheReleaseItNeverAnsweredAndAreNeverCountedTwice()
    {
        var name = TestBounds.UniqueName("shard-recall");
        var shardKey = $"0/{name}";
        var root = _client.GetGrain<IBarrierGrain>(name);
        var shortPoll = TimeSpan.FromMilliseconds(100);
        Guid releasedMember = Guid.NewGuid(), waitingMember = Guid.NewGuid();

        // What an activation of the shard that has since died left at the barrier (epoch 0; stored epochs start at 1):
        // an arrival of two members that a release took, though they never heard of it...
        var dead = new ArrivalRequest(ArrivalId.New(), 3, null, shortPoll, null)
        {
            Units = 2,
            Members = ["p1", "p2"],
            MemberIds = [releasedMember, Guid.NewGuid()],
            Shard = shardKey,
            ShardEpoch = 0,
        };
        Assert.Equal(ArrivalOutcomeKind.Pending, (await root.WaitAsync(dead).Bounded()).Kind);
        var direct = _client.GetBarrier(name, 3);
        Assert.Equal(2, await direct.WaitAsync().Bounded());

        // ...and an arrival still waiting in the next phase.
        var stillWaiting = dead with { Id = ArrivalId.New(), Units = 1, Members = ["p3"], MemberIds = [waitingMember] };
        Assert.Equal(ArrivalOutcomeKind.Pending, (await root.WaitAsync(stillWaiting).Bounded()).Kind);
        await direct.WaitForWaitingAsync(1);

        // Both re-attach to the shard's next activation, carrying the dead one's incarnation.
        var shard = _client.GetGrain<IBarrierShardGrain>(shardKey);
        var reattachedAt = DateTimeOffset.UtcNow;
        var p1 = await shard.WaitAsync(new ArrivalRequest(new ArrivalId(releasedMember), 3, null, shortPoll, long.MaxValue) { Participant = "p1" }).Bounded();
        var p3 = await shard.WaitAsync(new ArrivalRequest(new ArrivalId(waitingMember), 3, null, shortPoll, long.MaxValue) { Participant = "p3" }).Bounded();

        // p1 gets the index its release gave it; p3 waits once, its dead arrival evicted by the new activation.
        Assert.Equal(ArrivalOutcomeKind.Released, p1.Kind);
        Assert.Equal(0, p1.Index);
        Assert.Equal(ArrivalOutcomeKind.Pending, p3.Kind);
        var status = await direct.WaitForStatusAsync(s => s.Waiting == 1 && s.Waiters.All(w => w.ArrivedAt >= reattachedAt), TestBounds.Default);
        Assert.Equal(["p3"], status.Waiters.Select(w => w.Participant));

        var others = await Task.WhenAll(direct.WaitAsync(), direct.WaitAsync()).Bounded();
        var p3Released = await shard.WaitAsync(new ArrivalRequest(new ArrivalId(waitingMember), 3, null, shortPoll, p3.Incarnation) { Participant = "p3" }).Bounded();
        Assert.Equal(ArrivalOutcomeKind.Released, p3Released.Kind);
        Assert.Equal([0, 1, 2], others.Append(p3Released.Index).Order());
        Assert.Equal(2, (await direct.GetStatusAsync().Bounded()).Phase);
    }

    [Theory]
    [InlineData(ParticipantLossPolicy.Evict)]
    [InlineData(ParticipantLossPolicy.Break)]
    public async Task ShardGrain_ParticipantThatStopsPolling_IsLostAtItsShardByItsPolicy(ParticipantLossPolicy policy)
    {
        var lease = TimeSpan.FromSeconds(1);
        await using var cluster = await OwnedCluster.DeployWithTestClockAsync(silos: 1);
        var client = cluster.Client;
        var name = TestBounds.UniqueName("shard-silent");
        var shard = client.GetGrain<IBarrierShardGrain>($"0/{name}");
        var silent = new ArrivalRequest(ArrivalId.New(), 3, null, TimeSpan.FromMilliseconds(100), null)
        {
            Participant = "silent",
            Lease = lease,
            OnParticipantLost = policy,
        };
        var watcher = client.GetBarrier(name, 3);
        var other = Tiered(client, name, 3, shards: 1, participant: "other", policy).WaitAsync();

        // Its one poll is held until barrier time has moved on by the poll's length.
        var polled = shard.WaitAsync(silent);
        await watcher.WaitForWaitingAsync(2);
        await cluster.Clock.AdvanceUntilAsync(() => polled.IsCompleted, TimeSpan.FromSeconds(1));
        var first = await polled.Bounded();

        // It never polls again. Evict: it leaves and the other keeps waiting; Break: the barrier breaks naming it.
        var (detected, status) = await cluster.Clock.AdvanceUntilStatusAsync(watcher, s => s.Waiting < 2 || s.IsBroken, TestBounds.Default);
        output.WriteLine($"{policy}: acted on {detected.TotalSeconds:F2}s of barrier time after the last poll (lease {lease.TotalSeconds}s)");
        Assert.InRange(detected, lease / 3, (2 * lease) + TimeSpan.FromMilliseconds(500));
        var answer = await shard.WaitAsync(silent with { Incarnation = first.Incarnation }).Bounded();
        if (policy == ParticipantLossPolicy.Evict)
        {
            Assert.Equal(ArrivalOutcomeKind.Evicted, answer.Kind);
            Assert.Equal(["other"], status.Waiters.Select(w => w.Participant));
            Assert.False(other.IsCompleted);
            await watcher.AbortAsync().Bounded();
            await Assert.ThrowsAsync<BrokenBarrierException>(() => other).Bounded();
        }
        else
        {
            Assert.Equal(ArrivalOutcomeKind.Broken, answer.Kind);
            Assert.Equal(["silent"], answer.LostParticipants);
            Assert.Equal(["silent"], status.LostParticipants);
            var thrown = await Assert.ThrowsAsync<BrokenBarrierException>(() => other).Bounded();
            Assert.Equal(["silent"], thrown.LostParticipants);
        }
    }

    [Fact]
    public async Task WaitAsync_ShardSiloKilled_ParticipantsReattachToTheNextActivationAndAreNeverCountedTwice()
    {
        // A lease far longer than the test, so only the shard's next activation can drop the dead one's arrival.
        var lease = TimeSpan.FromSeconds(60);
        await using var cluster = await OwnedCluster.DeployOverTcpAsync(silos: 3);
        await using var client = await AdditionalClient.ConnectThroughPrimaryAsync(cluster.Cluster);
        var (name, shardSilo) = await FindShardAwayFromItsRootAsync(client.Client, cluster.Cluster, parties: 4);
        IDistributedBarrier Handle() => client.Client.GetBarrier(name, new BarrierOptions { Parties = 4, Topology = BarrierTopology.Tiered, Shards = 1, LeaseDuration = lease });
        var watcher = client.Client.GetBarrier(name, 4);
        var first = Handle().WaitAsync();
        var second = Handle().WaitAsync();
        await watcher.WaitForWaitingAsync(2);

        var killedAt = DateTimeOffset.UtcNow;
        await cluster.Cluster.KillSiloAsync(shardSilo).WaitAsync(TimeSpan.FromSeconds(60));

        // Both re-attach through the shard's next activation, whose arrival replaces the dead one's: still two waiting.
        var reattached = await watcher.WaitForStatusAsync(s => s.Waiting == 2 && s.Waiters.All(w => w.ArrivedAt > killedAt), TimeSpan.FromSeconds(60), throughFailures: true);
        output.WriteLine($"re-attached {(reattached.Waiters.Max(w => w.ArrivedAt) - killedAt).TotalSeconds:F2}s after the kill; waiting {reattached.Waiting} in {reattached.Arrivals} arrival(s)");
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        // Two more fill the party exactly: with the dead activation's arrival still counted, two of these four would
        // have been released by ghosts and the last two would still be waiting.
        var third = Handle().WaitAsync();
        await watcher.WaitForWaitingAsync(3);
        var fourth = await watcher.WaitAsync().Bounded();
        int[] indices = [await first.Bounded(), await second.Bounded(), await third.Bounded(), fourth];
        Assert.Equal([0, 1, 2, 3], indices.Order());
        var after = await watcher.GetStatusAsync().Bounded();
        Assert.Equal(0, after.Waiting);
        Assert.Equal(1, after.Phase);
        Assert.False(after.IsBroken);
    }

    [Fact]
    public async Task WaitAsync_ShardSiloShutDown_ParticipantsMoveToTheNextActivationAndTheBarrierIsNotBroken()
    {
        // A short lease with the Break policy: a shard that left without withdrawing its participants, or that they
        // could not follow, would break the barrier within two leases of barrier time.
        var lease = TimeSpan.FromSeconds(2);
        await using var cluster = await OwnedCluster.DeployWithTestClockAsync(silos: 3, overTcp: true);
        await using var client = await AdditionalClient.ConnectThroughPrimaryAsync(cluster.Cluster);
        var (name, shardSilo) = await FindShardAwayFromItsRootAsync(client.Client, cluster.Cluster, parties: 3);
        IDistributedBarrier Handle() => client.Client.GetBarrier(name, new BarrierOptions { Parties = 3, Topology = BarrierTopology.Tiered, Shards = 1, LeaseDuration = lease });
        var watcher = client.Client.GetBarrier(name, 3);
        var first = Handle().WaitAsync();
        var second = Handle().WaitAsync();
        await watcher.WaitForWaitingAsync(2);

        // One step past the first arrivals, so an arrival the barrier sees from now on is told apart by its arrival time.
        var clock = cluster.Clock;
        await clock.AdvanceAsync(clock.Step);
        var stoppedAt = clock.UtcNow;

        // The shard leaves once the polls it holds have run out, so barrier time moves on while the silo shuts down.
        var stopping = cluster.Cluster.StopSiloAsync(shardSilo);
        var (advanced, moved) = await clock.AdvanceUntilStatusAsync(watcher, s => s.IsBroken || (s.Waiting == 2 && s.Waiters.All(w => w.ArrivedAt >= stoppedAt)), TimeSpan.FromSeconds(30), throughFailures: true);
        await stopping.WaitAsync(TimeSpan.FromSeconds(60));

        output.WriteLine($"moved {advanced.TotalSeconds:F2}s of barrier time after the shutdown began");
        Assert.False(moved.IsBroken, $"Broken: {moved.BrokenReason} ({string.Join(", ", moved.LostParticipants)})");
        await clock.AdvanceAsync(2 * lease);
        Assert.False((await watcher.GetStatusAsync().Bounded()).IsBroken);
        var last = await watcher.WaitAsync().Bounded();
        int[] indices = [await first.Bounded(), await second.Bounded(), last];
        Assert.Equal([0, 1, 2], indices.Order());
    }

    /// <summary>Finds a barrier whose only shard runs on a secondary silo (killable) and whose root does not.</summary>
    private static async Task<(string Name, SiloHandle ShardSilo)> FindShardAwayFromItsRootAsync(IClusterClient client, TestCluster cluster, int parties)
    {
        var management = client.GetGrain<IManagementGrain>(0);
        var searching = Stopwatch.StartNew();
        while (searching.Elapsed < TimeSpan.FromSeconds(30))
        {
            var name = TestBounds.UniqueName("shard-moved");
            var shard = client.GetGrain<IBarrierShardGrain>($"0/{name}");

            // A cancellation of an arrival nobody made activates the shard and changes nothing.
            await shard.CancelAsync(ArrivalId.New(), parties).Bounded();
            var shardAt = (await management.GetActivationAddress(shard).AsTask().Bounded())?.ToString();
            var rootAt = (await client.GetBarrier(name, parties).GetStatusAsync().Bounded()).HostSilo;
            if (cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.ToString() == shardAt) is { } secondary && rootAt != shardAt)
            {
                return (name, secondary);
            }
        }

        throw new InvalidOperationException("No shard landed on a secondary silo away from its root within 30 s.");
    }

    private static IDistributedBarrier Tiered(IClusterClient client, string name, int parties, int shards, string? participant = null, ParticipantLossPolicy policy = ParticipantLossPolicy.Break)
        => client.GetBarrier(name, new BarrierOptions
        {
            Parties = parties,
            Topology = BarrierTopology.Tiered,
            Shards = shards,
            Participant = participant,
            LeaseDuration = Lease,
            OnParticipantLost = policy,
        });
}

using Orleans.Barrier.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// The status names who is waiting (oldest first, with where and since when) and who of the last release has not
/// come back, by the participants' given names or else by their grain or client ids. Run over every
/// <see cref="BarrierShape"/> by the nested classes at the end.
/// </summary>
public abstract class WhoIsMissingTests(BarrierClusterFixture fixture, ITestOutputHelper output, BarrierShape shape)
{
    private readonly IClusterClient _client = fixture.Client;
    private readonly BarrierShape _shape = shape;

    [Fact]
    public async Task GetStatusAsync_TwoOfThreeNamedParticipantsBackAfterARelease_MissingNamesTheThirdAndWaitersTheTwo()
    {
        var name = TestBounds.UniqueName("stragglers");
        var watcher = _shape.GetBarrier(_client, name, 3);
        var grain = _client.GetGrain<IParticipantGrain>(TestBounds.UniqueName("worker-1"));
        var grainSilo = await grain.GetSiloAsync().Bounded();
        Task<int> GrainWaits() => grain.WaitWithOptionsAsync(name, 3, "worker-1", lease: null, ParticipantLossPolicy.Break, _shape.Topology, _shape.Shards);
        Task<int> ClientWaits(string participant) => _shape.GetBarrier(_client, name, new BarrierOptions { Parties = 3, Participant = participant }).WaitAsync();
        await Task.WhenAll(GrainWaits(), ClientWaits("worker-2"), ClientWaits("worker-3")).Bounded();

        var before = DateTimeOffset.UtcNow;
        var grainBack = GrainWaits();
        await watcher.WaitForWaitingAsync(1);
        var clientBack = ClientWaits("worker-2");
        await watcher.WaitForWaitingAsync(2);
        var status = await watcher.GetStatusAsync().Bounded();
        var after = DateTimeOffset.UtcNow;

        Assert.Equal(["worker-3"], status.Missing);
        Assert.Equal(["worker-1", "worker-2"], status.Waiters.Select(w => w.Participant));
        if (_shape.ReportsWaiterSilos)
        {
            Assert.Equal(grainSilo, status.Waiters[0].Silo);
        }

        Assert.Null(status.Waiters[1].Silo);
        Assert.All(status.Waiters, w => Assert.InRange(w.ArrivedAt, before, after));
        Assert.True(status.Waiters[0].ArrivedAt <= status.Waiters[1].ArrivedAt, "Oldest first.");

        Assert.Equal(2, await ClientWaits("worker-3").Bounded());
        var indices = await Task.WhenAll(grainBack, clientBack).Bounded();
        Assert.Equal([0, 1], indices);

        // Nobody has come back since the second release: all three are missing, in the order of their last index.
        Assert.Equal(["worker-1", "worker-2", "worker-3"], (await watcher.GetStatusAsync().Bounded()).Missing);
    }

    [Fact]
    public async Task GetStatusAsync_UnnamedParticipants_GrainNamedByItsGrainIdClientByItsClientId()
    {
        var name = TestBounds.UniqueName("unnamed");
        var watcher = _shape.GetBarrier(_client, name, 3);
        var key = TestBounds.UniqueName("anonymous");
        var grain = _client.GetGrain<IParticipantGrain>(key);
        var grainWaits = grain.WaitLongAsync(name, 3, _shape.Topology, _shape.Shards);
        await watcher.WaitForWaitingAsync(1);
        var clientWaits = watcher.WaitAsync();
        await watcher.WaitForWaitingAsync(2);

        var waiters = (await watcher.GetStatusAsync().Bounded()).Waiters;

        output.WriteLine($"grain participant: {waiters[0].Participant}; client participant: {waiters[1].Participant}");
        Assert.Equal(grain.GetGrainId().ToString(), waiters[0].Participant);
        Assert.Contains(key, waiters[0].Participant, StringComparison.Ordinal);
        Assert.StartsWith("sys.client/", waiters[1].Participant, StringComparison.Ordinal);
        Assert.Equal(2, await watcher.WaitAsync().Bounded());
        var indices = await Task.WhenAll(grainWaits, clientWaits).Bounded();
        Assert.Equal([0, 1], indices);

        // The client's two arrivals in that release carry the same name, listed once.
        Assert.Equal([waiters[0].Participant, waiters[1].Participant], (await watcher.GetStatusAsync().Bounded()).Missing);
    }

    [Fact]
    public async Task GetStatusAsync_MoreParticipantsThanTheListLimit_ListsOnlyTheFirstOnes()
    {
        // A cluster of its own, because the limit is a silo option: one silo keeps it cheap.
        await using var cluster = await OwnedCluster.DeployAsync(silos: 1, builder => builder.AddSiloBuilderConfigurator<StatusListLimitOfThree>());
        var name = TestBounds.UniqueName("capped");
        var watcher = _shape.GetBarrier(cluster.Client, name, 6);
        var participants = Enumerable.Range(1, 6).Select(i => $"p-{i}").ToArray();
        await Task.WhenAll(await ArriveInOrderAsync(cluster.Client, watcher, participants)).Bounded();

        var nobodyBack = await watcher.GetStatusAsync().Bounded();
        var fiveBack = await ArriveInOrderAsync(cluster.Client, watcher, participants[..5]);
        var status = await watcher.GetStatusAsync().Bounded();

        Assert.Equal(["p-1", "p-2", "p-3"], nobodyBack.Missing);
        Assert.Equal(5, status.Waiting);
        Assert.Equal(["p-1", "p-2", "p-3"], status.Waiters.Select(w => w.Participant));
        Assert.Equal(["p-6"], status.Missing);
        Assert.DoesNotContain(fiveBack, w => w.IsCompleted);
        await Task.WhenAll(await ArriveInOrderAsync(cluster.Client, watcher, participants[5..])).Bounded();
        var indices = await Task.WhenAll(fiveBack).Bounded();
        Assert.Equal([0, 1, 2, 3, 4], indices);
    }

    /// <summary>Each participant arrives only once the one before it is seen waiting, so arrival order is known.</summary>
    private async Task<Task<int>[]> ArriveInOrderAsync(IClusterClient client, IDistributedBarrier barrier, string[] participants)
    {
        var waits = new Task<int>[participants.Length];
        var waitingBefore = (await barrier.GetStatusAsync().Bounded()).Waiting;
        for (var i = 0; i < participants.Length; i++)
        {
            waits[i] = _shape.GetBarrier(client, barrier.Name, new BarrierOptions { Parties = barrier.Parties, Participant = participants[i] }).WaitAsync();
            if (waitingBefore + i + 1 < barrier.Parties)
            {
                await barrier.WaitForWaitingAsync(waitingBefore + i + 1);
            }
        }

        return waits;
    }

    /// <summary>The contract on the single-grain shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnSingleGrain(BarrierClusterFixture fixture, ITestOutputHelper output) : WhoIsMissingTests(fixture, output, BarrierShape.SingleGrain);

    /// <summary>The contract on the tiered shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnTiers(BarrierClusterFixture fixture, ITestOutputHelper output) : WhoIsMissingTests(fixture, output, BarrierShape.Tiered);

    private sealed class StatusListLimitOfThree : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddBarriers(o => o.StatusListLimit = 3);
    }
}

using Orleans.Barrier.Testing;

namespace Orleans.Barrier.Tests;

/// <summary>The contract as participants see it, run over every <see cref="BarrierShape"/> by the nested classes at the end.</summary>
public abstract class ReleaseTests(BarrierClusterFixture fixture, BarrierShape shape)
{
    private readonly IClusterClient _client = fixture.Client;
    private readonly BarrierShape _shape = shape;

    [Fact]
    public async Task WaitAsync_FullParty_ReleasesAllWithIndicesInArrivalOrder()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("order"), 4);
        var waits = new List<Task<int>>();

        for (var i = 0; i < 3; i++)
        {
            waits.Add(barrier.WaitAsync());
            await barrier.WaitForWaitingAsync(i + 1);
            Assert.False(waits[i].IsCompleted, "Nobody is released before the party is full.");
        }

        var completing = await barrier.WaitAsync().Bounded();
        var indices = await Task.WhenAll(waits).Bounded();

        Assert.Equal([0, 1, 2], indices);
        Assert.Equal(3, completing);
    }

    [Fact]
    public async Task WaitAsync_SingleParty_ReleasesAtOnceWithIndexZero()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("single"), 1);

        Assert.Equal(0, await barrier.WaitAsync().Bounded());
        Assert.Equal(0, await barrier.WaitAsync().Bounded());
        Assert.Equal(2, (await barrier.GetStatusAsync().Bounded()).Phase);
    }

    [Fact]
    public async Task WaitAsync_AfterRelease_CountsTowardTheNextPhase()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("cyclic"), 2);
        await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync()).Bounded();

        var next = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(1);
        var status = await barrier.GetStatusAsync().Bounded();

        Assert.Equal(new BarrierStatus(barrier.Name, 2, 1, BarrierState.Filling, 1) { HostSilo = status.HostSilo, Waiters = status.Waiters, Arrivals = 1 }, status);
        Assert.Single(status.Waiters);
        Assert.Empty(status.Missing);
        Assert.False(next.IsCompleted);
        Assert.Equal(1, await barrier.WaitAsync().Bounded());
        Assert.Equal(0, await next.Bounded());
        Assert.Equal(2, (await barrier.GetStatusAsync().Bounded()).Phase);
    }

    [Fact]
    public async Task WaitAsync_HundredConsecutivePhases_EachReleaseIsAPermutation()
    {
        const int Parties = 5;
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("phases"), Parties);

        for (var phase = 1; phase <= 100; phase++)
        {
            var indices = await Task.WhenAll(Enumerable.Range(0, Parties).Select(_ => barrier.WaitAsync())).Bounded();
            Assert.Equal(Enumerable.Range(0, Parties), indices.Order());
        }

        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(100, status.Phase);
        Assert.Equal(0, status.Waiting);
    }

    [Fact]
    public async Task WaitAsync_ThousandParties_ReleasesAllAtOnceWithAPermutation()
    {
        const int Parties = 1_000;
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("thousand"), Parties);

        var indices = await Task.WhenAll(Enumerable.Range(0, Parties).Select(_ => barrier.WaitAsync())).Bounded();

        Assert.Equal(Enumerable.Range(0, Parties), indices.Order());
        Assert.Equal(1, (await barrier.GetStatusAsync().Bounded()).Phase);
    }

    [Fact]
    public async Task WaitAsync_GrainsOnEverySiloAndClients_ShareOneRelease()
    {
        // Random placement over two silos leaves all of them on one silo with odds 2^-(Grains-1): negligible at 20.
        const int Grains = 20;
        const int Clients = 2;
        var name = TestBounds.UniqueName("mixed");
        var workers = Enumerable.Range(0, Grains).Select(i => _client.GetGrain<IParticipantGrain>($"{name}-worker-{i}")).ToList();
        var barrier = _shape.GetBarrier(_client, name, Grains + Clients);

        var grainWaits = workers.Select(w => w.WaitAsync(name, Grains + Clients, null));
        var clientWaits = Enumerable.Range(0, Clients).Select(_ => barrier.WaitAsync());
        var indices = await Task.WhenAll(grainWaits.Concat(clientWaits)).Bounded();
        var silos = await Task.WhenAll(workers.Select(w => w.GetSiloAsync())).Bounded();

        Assert.Equal(Enumerable.Range(0, Grains + Clients), indices.Order());
        Assert.True(silos.Distinct().Count() >= 2, $"Participants should span both silos; got {string.Join(", ", silos.Distinct())}.");
    }

    [Fact]
    public async Task WaitAsync_LongerThanTheResponseTimeout_IsReleased()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("long"), 2);
        var hold = BarrierClusterFixture.ResponseTimeout * 4;

        var early = barrier.WaitAsync();

        // The wait itself is the scenario: the early arrival must survive several response timeouts.
        await Task.Delay(hold);
        Assert.False(early.IsCompleted);
        Assert.Equal(1, (await barrier.GetStatusAsync().Bounded()).Waiting);

        Assert.Equal(1, await barrier.WaitAsync().Bounded());
        Assert.Equal(0, await early.Bounded());
    }

    [Fact]
    public async Task WaitAsync_GrainParticipantLongerThanTheResponseTimeout_IsReleased()
    {
        var name = TestBounds.UniqueName("long-grain");
        var worker = _client.GetGrain<IParticipantGrain>($"{name}-worker");
        var barrier = _shape.GetBarrier(_client, name, 2);

        // The grain's own wait on the barrier outlives the silo's response timeout several times over.
        var early = worker.WaitLongAsync(name, 2);
        await Task.Delay(BarrierClusterFixture.ResponseTimeout * 4);
        Assert.False(early.IsCompleted);
        Assert.Equal(1, (await barrier.GetStatusAsync().Bounded()).Waiting);

        Assert.Equal(1, await barrier.WaitAsync().Bounded());
        Assert.Equal(0, await early.Bounded());
    }

    /// <summary>The contract on the single-grain shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnSingleGrain(BarrierClusterFixture fixture) : ReleaseTests(fixture, BarrierShape.SingleGrain);

    /// <summary>The contract on the tiered shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnTiers(BarrierClusterFixture fixture) : ReleaseTests(fixture, BarrierShape.Tiered);
}

using Microsoft.Extensions.DependencyInjection;
using Orleans.Barrier.Testing;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Barrier.Tests;

/// <summary>
/// The fence a new activation puts up before it answers anything: it claims the stored barrier under the next epoch,
/// so an earlier activation that still runs (its silo frozen past being declared dead, then resumed) can no longer
/// store a step, even when the new activation has had nothing of its own to write. Two writers over one storage play
/// the two activations, so the interleaving is exact rather than left to a paused process.
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class ClaimTests(BarrierClusterFixture fixture)
{
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task PersistAsync_OfAnActivationWhoseBarrierAnotherClaimedSince_FailsOnTheETag()
    {
        var (storage, grainId) = await StoredBarrierAsync("claim-fence");
        var stale = new BarrierStateWriter(storage, grainId);
        var stored = await stale.ClaimAsync();
        Assert.NotNull(stored);
        var machine = BarrierStateMachine.Restore(grainId.Key.ToString()!, stored, TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow);
        machine.Arrive(ArrivalId.New(), timeout: null, DateTimeOffset.UtcNow);
        var released = machine.Arrive(ArrivalId.New(), timeout: null, DateTimeOffset.UtcNow);
        Assert.Equal(2, released.Completions.Count);

        // The new activation claims and writes nothing more: exactly where the unclaimed design let the stale write win.
        var current = new BarrierStateWriter(storage, grainId);
        var claimed = await current.ClaimAsync();

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.PersistAsync(machine.Version, machine.Snapshot));
        Assert.Equal(stale.Epoch + 1, current.Epoch);
        Assert.Equal(stored.Phase, claimed!.Phase);
        Assert.Equal(stored.Phase, SharedGrainStorage.StoredPhase(grainId.Key.ToString()!));
    }

    [Fact]
    public async Task ClaimAsync_EachActivation_TakesTheNextEpochAndKeepsTheState()
    {
        var (storage, grainId) = await StoredBarrierAsync("claim-epochs");
        var first = new BarrierStateWriter(storage, grainId);
        var second = new BarrierStateWriter(storage, grainId);

        var one = await first.ClaimAsync();
        var two = await second.ClaimAsync();

        Assert.Equal(first.Epoch + 1, second.Epoch);
        Assert.Equal((one!.Parties, one.Phase, one.Version), (two!.Parties, two.Phase, two.Version));
        Assert.Equal(one.Version, second.PersistedVersion);
    }

    [Fact]
    public async Task ClaimAsync_NothingStored_ClaimsNothingAndTheFirstWriteStillRequiresNothingStored()
    {
        var name = TestBounds.UniqueName("claim-new");
        var storage = Storage();
        var grainId = GrainId.Create("barrier", name);
        var late = new BarrierStateWriter(storage, grainId);
        Assert.Null(await late.ClaimAsync());
        Assert.Equal(0, late.Epoch);

        // Another activation creates the barrier first; the late one's creation must not overwrite it.
        var early = new BarrierStateWriter(storage, grainId);
        Assert.Null(await early.ClaimAsync());
        var created = new BarrierStateMachine(name, 2, TimeSpan.FromMinutes(1));
        await early.PersistAsync(created.Version, created.Snapshot);
        var other = new BarrierStateMachine(name, 3, TimeSpan.FromMinutes(1));

        await Assert.ThrowsAsync<InconsistentStateException>(() => late.PersistAsync(other.Version, other.Snapshot));
        Assert.True(early.Epoch > 0, $"The first write claims an epoch; got {early.Epoch}.");
    }

    [Fact]
    public async Task Barrier_AfterItsStateWasClaimedBehindItsBack_StepsAsideAndTheNextActivationReleasesTheParty()
    {
        var (storage, grainId) = await StoredBarrierAsync("claim-live");
        var barrier = _client.GetBarrier(grainId.Key.ToString()!, 2);
        var first = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(1, TestBounds.Default);

        // A second activation claims (as one on a silo that took over would) while the live one holds a waiter.
        await new BarrierStateWriter(storage, grainId).ClaimAsync();
        var second = barrier.WaitAsync();

        var indices = await Task.WhenAll(first, second).WaitAsync(TestBounds.Default);
        Assert.Equal([0, 1], indices.Order());
        Assert.True(SharedGrainStorage.RejectedWrites(grainId.Key.ToString()!) >= 1, "The activation that had been claimed away stored a release.");
        Assert.Equal(1, (await barrier.GetStatusAsync().WaitAsync(TestBounds.Default)).Phase);
    }

    private async Task<(IGrainStorage Storage, GrainId GrainId)> StoredBarrierAsync(string prefix)
    {
        var name = TestBounds.UniqueName(prefix);

        // A status read with a party count creates the barrier and stores it.
        await _client.GetBarrier(name, 2).GetStatusAsync().WaitAsync(TestBounds.Default);
        return (Storage(), GrainId.Create("barrier", name));
    }

    private SharedGrainStorage Storage() => new(_client.ServiceProvider.GetRequiredService<DeepCopier>());
}

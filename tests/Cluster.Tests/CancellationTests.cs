using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>The contract as participants see it, run over every <see cref="BarrierShape"/> by the nested classes at the end.</summary>
public abstract class CancellationTests(BarrierClusterFixture fixture, ITestOutputHelper output, BarrierShape shape)
{
    private readonly IClusterClient _client = fixture.Client;
    private readonly BarrierShape _shape = shape;

    [Fact]
    public async Task WaitAsync_Cancelled_RemovesArrivalBeforeThrowing()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("cancel"), 3);
        var stays = barrier.WaitAsync();
        using var cancellation = new CancellationTokenSource();
        var leaves = barrier.WaitAsync(cancellation.Token);
        await barrier.WaitForWaitingAsync(2);

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaves).Bounded();

        // No polling here: the arrival must already be gone when the cancelled call returns.
        Assert.Equal(1, (await barrier.GetStatusAsync().Bounded()).Waiting);
        Assert.False(stays.IsCompleted);
    }

    [Fact]
    public async Task WaitAsync_AfterACancellation_SurvivorsAreRenumberedWithoutGaps()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("renumber"), 3);
        using var cancellation = new CancellationTokenSource();
        var first = barrier.WaitAsync(cancellation.Token);
        await barrier.WaitForWaitingAsync(1);
        var second = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(2);

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first).Bounded();
        var third = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(2);
        var fourth = await barrier.WaitAsync().Bounded();

        int[] indices = [await second.Bounded(), await third.Bounded(), fourth];
        Assert.Equal([0, 1, 2], indices);
    }

    [Fact]
    public async Task WaitAsync_AlreadyCancelledToken_ThrowsWithoutArriving()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("precancelled"), 2);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => barrier.WaitAsync(new CancellationToken(canceled: true))).Bounded();

        Assert.Equal(0, (await barrier.GetStatusAsync().Bounded()).Waiting);
    }

    [Fact]
    public async Task WaitAsync_CancellationRacingTheRelease_EitherReleasedOrRemovedNeverBoth()
    {
        const int Rounds = 300;
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("race"), 2);
        int releaseWon = 0, cancelWon = 0;

        for (var round = 0; round < Rounds; round++)
        {
            using var cancellation = new CancellationTokenSource();
            var racer = barrier.WaitAsync(cancellation.Token);
            await barrier.WaitForWaitingAsync(1);

            // Fire the cancellation and the completing arrival together, in alternating order so both sides win often.
            Task<int> completing;
            if (round % 2 == 0)
            {
                completing = barrier.WaitAsync();
                await cancellation.CancelAsync();
            }
            else
            {
                await cancellation.CancelAsync();
                completing = barrier.WaitAsync();
            }

            int? racerIndex;
            try
            {
                racerIndex = await racer.Bounded();
            }
            catch (OperationCanceledException)
            {
                racerIndex = null;
            }

            if (racerIndex is { } index)
            {
                // Release won: both got an index in the same phase.
                releaseWon++;
                Assert.Equal(0, index);
                Assert.Equal(1, await completing.Bounded());
            }
            else
            {
                // Cancel won: the racer is gone, so the completing arrival (which may still be on its way) ends up
                // waiting alone until a partner comes.
                cancelWon++;
                await barrier.WaitForWaitingAsync(1);
                Assert.False(completing.IsCompleted);
                Assert.Equal(1, await barrier.WaitAsync().Bounded());
                Assert.Equal(0, await completing.Bounded());
            }
        }

        output.WriteLine($"release won {releaseWon} times, cancellation won {cancelWon} times");
        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(Rounds, status.Phase);
        Assert.Equal(0, status.Waiting);

        // Both sides of the race must really have been exercised, or the test proved nothing about it.
        Assert.True(releaseWon > 0 && cancelWon > 0, $"release won {releaseWon}, cancellation won {cancelWon}");
    }

    /// <summary>The contract on the single-grain shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnSingleGrain(BarrierClusterFixture fixture, ITestOutputHelper output) : CancellationTests(fixture, output, BarrierShape.SingleGrain);

    /// <summary>The contract on the tiered shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnTiers(BarrierClusterFixture fixture, ITestOutputHelper output) : CancellationTests(fixture, output, BarrierShape.Tiered);
}

using Orleans.Barrier.Testing;

namespace Orleans.Barrier.Tests;

/// <summary>The contract as participants see it, run over every <see cref="BarrierShape"/> by the nested classes at the end.</summary>
public abstract class BrokenBarrierTests(BarrierClusterFixture fixture, BarrierShape shape)
{
    private readonly IClusterClient _client = fixture.Client;
    private readonly BarrierShape _shape = shape;

    [Fact]
    public async Task AbortAsync_WithWaiters_EveryWaiterThrowsBrokenBarrierWithReasonAborted()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("abort"), 4);
        var waits = Enumerable.Range(0, 3).Select(_ => barrier.WaitAsync()).ToList();
        await barrier.WaitForWaitingAsync(3);

        await barrier.AbortAsync().Bounded();

        foreach (var wait in waits)
        {
            var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => wait).Bounded();
            Assert.Equal(BrokenBarrierReason.Aborted, broken.Reason);
        }

        var status = await barrier.GetStatusAsync().Bounded();
        Assert.True(status.IsBroken);
        Assert.Equal(0, status.Waiting);
    }

    [Fact]
    public async Task WaitAsync_AfterAbort_ThrowsBrokenBarrierWithReasonAbortedUntilReset()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("abort-later"), 2);
        await barrier.AbortAsync().Bounded();

        var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync()).Bounded();
        Assert.Equal(BrokenBarrierReason.Aborted, broken.Reason);
        Assert.Contains(barrier.Name, broken.Message, StringComparison.Ordinal);

        await barrier.ResetAsync().Bounded();
        var indices = await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync()).Bounded();
        Assert.Equal([0, 1], indices.Order());
    }

    [Fact]
    public async Task ResetAsync_WithWaiters_WaitersThrowReasonResetAndBarrierStaysUsable()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("reset"), 3);
        var waits = Enumerable.Range(0, 2).Select(_ => barrier.WaitAsync()).ToList();
        await barrier.WaitForWaitingAsync(2);

        await barrier.ResetAsync().Bounded();

        foreach (var wait in waits)
        {
            var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => wait).Bounded();
            Assert.Equal(BrokenBarrierReason.Reset, broken.Reason);
        }

        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(BarrierState.Filling, status.State);
        Assert.Equal(0, status.Waiting);
        var indices = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => barrier.WaitAsync())).Bounded();
        Assert.Equal([0, 1, 2], indices.Order());
    }

    [Fact]
    public async Task ResetAsync_WithoutWaiters_KeepsPhaseAndFilling()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("reset-empty"), 1);
        await barrier.WaitAsync().Bounded();

        await barrier.ResetAsync().Bounded();

        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(BarrierState.Filling, status.State);
        Assert.Equal(1, status.Phase);
    }

    [Fact]
    public async Task WaitAsync_TimeoutExpires_BreaksBarrierWithReasonTimeoutForEveryWaiter()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("timeout"), 3);
        var patient = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(1);

        var impatient = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync(TimeSpan.FromMilliseconds(300))).Bounded();
        var other = await Assert.ThrowsAsync<BrokenBarrierException>(() => patient).Bounded();

        Assert.Equal(BrokenBarrierReason.Timeout, impatient.Reason);
        Assert.Equal(BrokenBarrierReason.Timeout, other.Reason);
        Assert.True((await barrier.GetStatusAsync().Bounded()).IsBroken);
        var later = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync()).Bounded();
        Assert.Equal(BrokenBarrierReason.Timeout, later.Reason);
    }

    [Fact]
    public async Task WaitAsync_ReleasedBeforeTimeout_ReturnsIndexAndBarrierStaysWhole()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("timeout-ok"), 2);
        var first = barrier.WaitAsync(TimeSpan.FromSeconds(20));
        await barrier.WaitForWaitingAsync(1);

        Assert.Equal(1, await barrier.WaitAsync(TimeSpan.FromSeconds(20)).Bounded());
        Assert.Equal(0, await first.Bounded());
        Assert.False((await barrier.GetStatusAsync().Bounded()).IsBroken);
    }

    [Fact]
    public async Task WaitAsync_WithDefaultTimeoutOption_BreaksWithReasonTimeout()
    {
        var options = new BarrierOptions { Parties = 2, DefaultTimeout = TimeSpan.FromMilliseconds(200) };
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("default-timeout"), options);

        var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync()).Bounded();

        Assert.Equal(BrokenBarrierReason.Timeout, broken.Reason);
    }

    [Fact]
    public async Task WaitAsync_ZeroTimeoutThatDoesNotComplete_BreaksAtOnce()
    {
        var barrier = _shape.GetBarrier(_client, TestBounds.UniqueName("zero"), 2);

        var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => barrier.WaitAsync(TimeSpan.Zero)).Bounded();

        Assert.Equal(BrokenBarrierReason.Timeout, broken.Reason);
    }

    [Fact]
    public async Task WaitAsync_InGrainWhenAborted_BrokenBarrierExceptionReachesClientWithReason()
    {
        var name = TestBounds.UniqueName("abort-grain");
        var workers = Enumerable.Range(0, 4).Select(i => _client.GetGrain<IParticipantGrain>($"{name}-{i}")).ToList();
        var barrier = _shape.GetBarrier(_client, name, 5);
        var waits = workers.Select(w => w.WaitAsync(name, 5, null)).ToList();
        await barrier.WaitForWaitingAsync(4);

        await barrier.AbortAsync().Bounded();

        foreach (var wait in waits)
        {
            var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => wait).Bounded();
            Assert.Equal(BrokenBarrierReason.Aborted, broken.Reason);
            Assert.Contains(name, broken.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WaitAsync_InGrainTimesOut_ReasonTimeoutReachesClient()
    {
        var name = TestBounds.UniqueName("timeout-grain");
        var worker = _client.GetGrain<IParticipantGrain>(name);

        var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => worker.WaitAsync(name, 2, TimeSpan.FromMilliseconds(200))).Bounded();

        Assert.Equal(BrokenBarrierReason.Timeout, broken.Reason);
    }

    /// <summary>The contract on the single-grain shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnSingleGrain(BarrierClusterFixture fixture) : BrokenBarrierTests(fixture, BarrierShape.SingleGrain);

    /// <summary>The contract on the tiered shape.</summary>
    [Collection(SharedClusterDefinition.Name)]
    public sealed class OnTiers(BarrierClusterFixture fixture) : BrokenBarrierTests(fixture, BarrierShape.Tiered);
}

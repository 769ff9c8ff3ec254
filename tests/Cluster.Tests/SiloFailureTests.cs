using System.Diagnostics;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Kills the silo that hosts a barrier while participants wait on it. Each test owns its cluster, because it
/// destroys part of it.
/// </summary>
public sealed class SiloFailureTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan ResponseTimeout = BarrierClusterFixture.ResponseTimeout;
    private TestCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await BarrierClusterFixture.DeployAsync(silos: 3);

    public async Task DisposeAsync()
    {
        await _cluster.StopAllSilosAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await _cluster.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task WaitAsync_HostSiloKilledWhileWaiting_WaitersReattachAndAreReleased()
    {
        var (barrier, host) = await _cluster.FindBarrierHostedOnSecondarySiloAsync(BarrierShape.SingleGrain, "failover", parties: 3);
        var waits = new[] { barrier.WaitAsync(), barrier.WaitAsync() };
        await barrier.WaitForWaitingAsync(2);

        var killed = Stopwatch.StartNew();
        await _cluster.KillSiloAsync(host).Bounded();

        // The waiters' next polls reach a new activation on a surviving silo and arrive there again.
        var reattached = await barrier.WaitForWaitingAsync(2, TimeSpan.FromSeconds(60), throughFailures: true);
        output.WriteLine($"waiters re-attached to {reattached.HostSilo} {killed.Elapsed.TotalSeconds:F1}s after the kill");
        Assert.NotEqual(host.SiloAddress.ToString(), reattached.HostSilo);
        Assert.All(waits, w => Assert.False(w.IsCompleted));

        var last = await barrier.WaitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        var indices = await Task.WhenAll(waits).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, last);
        Assert.Equal([0, 1], indices.Order());
    }

    [Fact]
    public async Task WaitAsync_EverySiloKilledWhileWaiting_FailsWithBarrierUnavailableInsteadOfHanging()
    {
        var barrier = _cluster.Client.GetBarrier(TestBounds.UniqueName("orphan"), 2);
        var wait = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(1);

        foreach (var silo in _cluster.Silos.Reverse().ToList())
        {
            await _cluster.KillSiloAsync(silo).Bounded();
        }

        var killed = Stopwatch.StartNew();

        var thrown = await Assert.ThrowsAsync<BarrierUnavailableException>(() => wait).WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine($"{killed.Elapsed.TotalSeconds:F1}s after the last silo died: {thrown.Message}");
        Assert.Contains(barrier.Name, thrown.Message, StringComparison.Ordinal);

        // The handle gives up after twice the response timeout of failed re-issues; allow one more for the last poll.
        Assert.True(killed.Elapsed < ResponseTimeout * 4, $"Gave up after {killed.Elapsed}, expected about {ResponseTimeout * 2}.");
    }
}

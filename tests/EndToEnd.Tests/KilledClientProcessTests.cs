using System.Diagnostics;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// A command-line client waiting at a barrier is killed with SIGKILL: it never cancels, it just stops renewing its
/// lease. The barrier lives on real silo processes; the other participants wait through a client in this process.
/// </summary>
/// <remarks>
/// The tests share one pair of silo processes (starting them dominates the run time); each uses its own barrier and
/// leaves the silos as it found them.
/// </remarks>
public sealed class KilledClientProcessTests : IClassFixture<SiloProcessCluster>
{
    private const int Parties = 3;
    private const string Doomed = "doomed";
    private const string Survivor = "survivor";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    // The doomed lease runs from its last poll, which reached the grain before the kill, so the grain's deadline falls
    // at most one lease after the kill (here nearly a full lease: the kill follows its first poll by tens of ms). The
    // second lease and the extra second are slack for a loaded machine (two cores shared with builds and other
    // clusters): the grain timer firing late, the message that completes the survivor's held poll, and this
    // process's continuations. Leases that were not enforced would fail the test at Bound instead.
    private static readonly TimeSpan DetectionBound = Lease + Lease + TimeSpan.FromSeconds(1);

    // Starting a client process (dotnet start-up, connecting to the gateway) takes seconds on a loaded machine.
    private static readonly TimeSpan ClientStartBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly SiloProcessCluster _cluster;
    private readonly ITestOutputHelper _output;

    public KilledClientProcessTests(SiloProcessCluster cluster, ITestOutputHelper output)
    {
        _cluster = cluster;
        _output = output;
        foreach (var note in cluster.StartupNotes)
        {
            output.WriteLine(note);
        }
    }

    [Fact]
    public async Task WaitAsync_CliParticipantKilledUnderBreakPolicy_BreaksWithParticipantLostNamingIt()
    {
        var name = $"e2e-lease-break-{Guid.NewGuid():N}";
        var survivor = SurvivorHandle(name);
        var survivorWait = survivor.WaitAsync();
        await survivor.WaitForWaitingAsync(1, Bound);
        await using var doomed = StartDoomedWait(name);
        await WaitUntilWaitingAsync(survivor, doomed);

        var killed = Stopwatch.StartNew();
        await doomed.KillAsync();
        var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => survivorWait.WaitAsync(Bound));
        var detected = killed.Elapsed;
        _output.WriteLine($"break: the survivor failed {detected.TotalSeconds:F2}s after the kill (lease {Lease.TotalSeconds:F0}s, bound {DetectionBound.TotalSeconds:F0}s)");

        Assert.Equal(BrokenBarrierReason.ParticipantLost, broken.Reason);
        Assert.Equal([Doomed], broken.LostParticipants);
        Assert.True(detected <= DetectionBound, $"Detected {detected.TotalSeconds:F2}s after the kill; bound {DetectionBound.TotalSeconds:F1}s.");

        var status = await ClientProcess.RunAsync(["status", name, .. _cluster.GatewayArguments(_cluster.Secondary)]);
        _output.WriteLine(status.Output);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Broken reason: ParticipantLost; lost participants: doomed", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitAsync_CliParticipantKilledUnderEvictPolicy_IsEvictedAndTheRestAreReleased()
    {
        var name = $"e2e-lease-evict-{Guid.NewGuid():N}";
        var survivor = SurvivorHandle(name);
        var survivorWait = survivor.WaitAsync();
        await survivor.WaitForWaitingAsync(1, Bound);
        await using var doomed = StartDoomedWait(name, "--on-lost", "evict");
        await WaitUntilWaitingAsync(survivor, doomed);

        var killed = Stopwatch.StartNew();
        await doomed.KillAsync();
        var afterEviction = await survivor.WaitForStatusAsync(status => status.Waiting < 2 || status.IsBroken, Bound);
        var detected = killed.Elapsed;
        _output.WriteLine($"evict: waiting dropped to {afterEviction.Waiting} {detected.TotalSeconds:F2}s after the kill (lease {Lease.TotalSeconds:F0}s, bound {DetectionBound.TotalSeconds:F0}s)");

        Assert.Equal(BarrierState.Filling, afterEviction.State);
        Assert.Equal([Survivor], afterEviction.Waiters.Select(waiter => waiter.Participant));
        Assert.False(survivorWait.IsCompleted, "The survivor's wait ended with the eviction.");
        Assert.True(detected <= DetectionBound, $"Evicted {detected.TotalSeconds:F2}s after the kill; bound {DetectionBound.TotalSeconds:F1}s.");

        var late = _cluster.Client.GetBarrier(name, new BarrierOptions { Parties = Parties, Participant = "late" });
        var indices = await Task.WhenAll(survivorWait, late.WaitAsync(), late.WaitAsync()).WaitAsync(Bound);

        Assert.Equal([0, 1, 2], indices.Order());
        Assert.Equal(0, indices[0]); // The survivor arrived first; the evicted arrival holds no index.
    }

    private IDistributedBarrier SurvivorHandle(string name)
        // The default lease (a minute) outlives every test here, so only the killed process can be lost.
        => _cluster.Client.GetBarrier(name, new BarrierOptions { Parties = Parties, Participant = Survivor });

    private RunningClientProcess StartDoomedWait(string name, params string[] policy) => ClientProcess.Start(
    [
        "wait", name, "--parties", $"{Parties}", "--participant", Doomed, "--lease", $"{Lease.TotalSeconds}s",
        .. policy, .. _cluster.GatewayArguments(_cluster.Primary),
    ]);

    /// <summary>Waits until the barrier lists both the survivor and the client process as waiters.</summary>
    private async Task WaitUntilWaitingAsync(IDistributedBarrier barrier, RunningClientProcess doomed)
    {
        var started = Stopwatch.StartNew();
        var status = await barrier.WaitForStatusAsync(
            status => status.Waiters.Any(waiter => waiter.Participant == Doomed) || doomed.HasExited,
            ClientStartBound);
        Assert.False(doomed.HasExited, $"The client process exited instead of waiting:\n{doomed.Output}");
        Assert.Equal([Survivor, Doomed], status.Waiters.Select(waiter => waiter.Participant));
        _output.WriteLine($"the client process was waiting {started.Elapsed.TotalSeconds:F1}s after it started");
    }
}

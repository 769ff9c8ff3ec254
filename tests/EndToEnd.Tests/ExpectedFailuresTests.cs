using Orleans.Barrier.Client.Commands;

namespace Orleans.Barrier.Tests;

/// <summary>How the client reports the failures a wait can meet: one line on stderr and an exit code.</summary>
public sealed class ExpectedFailuresTests
{
    [Fact]
    public void BrokenBarrierLine_ParticipantLost_NamesTheLostParticipants()
    {
        var line = ExpectedFailures.BrokenBarrierLine(BrokenBarrierReason.ParticipantLost, ["worker-3", "worker-5"], "whatever the silo said");

        Assert.Equal(
            "error: barrier broken (ParticipantLost): lost participant(s) worker-3, worker-5 stopped renewing their lease while waiting; reset the barrier to use it again.",
            line);
    }

    [Fact]
    public void BrokenBarrierLine_ParticipantLostWithoutNames_FallsBackToTheMessage()
    {
        var line = ExpectedFailures.BrokenBarrierLine(BrokenBarrierReason.ParticipantLost, [], "Barrier 'b' is broken.");

        Assert.Equal("error: barrier broken (ParticipantLost): Barrier 'b' is broken.", line);
    }

    [Fact]
    public async Task RunAsync_BrokenBarrier_OneLineAndExitCode2()
    {
        using var error = new StringWriter();

        var exitCode = await ExpectedFailures.RunAsync(error, () => throw new BrokenBarrierException(BrokenBarrierReason.Aborted, "Barrier 'b' is broken: it was aborted."));

        Assert.Equal(ExitCodes.BarrierBroken, exitCode);
        Assert.Equal("error: barrier broken (Aborted): Barrier 'b' is broken: it was aborted." + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task RunAsync_ArrivalEvicted_IsExitCode4()
    {
        // An evicted arrival's wait ends with BarrierUnavailableException, like a barrier whose silo is gone.
        using var error = new StringWriter();

        var exitCode = await ExpectedFailures.RunAsync(error, () => throw new BarrierUnavailableException("The arrival was evicted."));

        Assert.Equal(ExitCodes.SiloUnreachable, exitCode);
        Assert.Equal("error: The arrival was evicted." + Environment.NewLine, error.ToString());
    }
}

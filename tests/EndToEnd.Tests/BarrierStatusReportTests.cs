using Orleans.Barrier.Client.Commands;

namespace Orleans.Barrier.Tests;

/// <summary>What <c>status</c> prints, from hand-built snapshots.</summary>
public sealed class BarrierStatusReportTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Lines_UnusedBarrier_SaysSo()
    {
        Assert.Equal(["Barrier 'b' has not been used yet."], BarrierStatusReport.Lines("b", null, Now));
    }

    [Fact]
    public void Lines_NobodyWaitingNobodyMissing_IsTheSummaryLineAlone()
    {
        var status = new BarrierStatus("b", 3, 0, BarrierState.Filling, 2);

        Assert.Equal(["Barrier 'b': Filling, 0 of 3 waiting, phase 2."], BarrierStatusReport.Lines("b", status, Now));
    }

    [Fact]
    public void Lines_Waiters_OneAlignedLinePerWaiterInTheSilosOrderWithSiloOrClient()
    {
        var status = new BarrierStatus("b", 5, 3, BarrierState.Filling, 7)
        {
            Waiters =
            [
                new("worker-17", "S10.0.0.5:11111:1", Now.AddSeconds(-12.34)),
                new("cli", null, Now.AddSeconds(-0.5)),
                new("w2", "S10.0.0.6:11111:2", Now),
            ],
        };

        Assert.Equal(
            [
                "Barrier 'b': Filling, 3 of 5 waiting, phase 7.",
                "Waiters (oldest first):",
                "  worker-17  S10.0.0.5:11111:1  waiting 12.3s",
                "  cli        client             waiting 0.5s",
                "  w2         S10.0.0.6:11111:2  waiting 0.0s",
            ],
            BarrierStatusReport.Lines("b", status, Now));
    }

    [Fact]
    public void Lines_CoalescedWaiter_ShowsHowManyParticipantsItStandsForAndCountsThemAsListed()
    {
        var status = new BarrierStatus("b", 300, 251, BarrierState.Filling, 0)
        {
            Waiters = [new("sys.client/abc", null, Now.AddSeconds(-2)) { Count = 250 }, new("w1", "S10.0.0.5:11111:1", Now)],
        };

        Assert.Equal(
            [
                "Barrier 'b': Filling, 251 of 300 waiting, phase 0.",
                "Waiters (oldest first):",
                "  sys.client/abc  client             waiting 2.0s  (250 participants in one coalesced arrival)",
                "  w1              S10.0.0.5:11111:1  waiting 0.0s",
            ],
            BarrierStatusReport.Lines("b", status, Now));
    }

    [Fact]
    public void Lines_HostSiloKnown_NamedRightAfterTheSummary()
    {
        var status = new BarrierStatus("b", 2, 1, BarrierState.Filling, 4)
        {
            HostSilo = "S10.0.0.7:11111:3",
            Waiters = [new("cli", null, Now)],
        };

        Assert.Equal(
            [
                "Barrier 'b': Filling, 1 of 2 waiting, phase 4.",
                "Host silo: S10.0.0.7:11111:3",
                "Waiters (oldest first):",
                "  cli  client  waiting 0.0s",
            ],
            BarrierStatusReport.Lines("b", status, Now));
    }

    [Fact]
    public void Lines_MoreWaitingThanListed_SaysHowManyMore()
    {
        var status = new BarrierStatus("b", 500, 250, BarrierState.Filling, 0)
        {
            Waiters = [new("a", null, Now), new("b", null, Now)],
        };

        Assert.Equal("  ... and 248 more not listed", BarrierStatusReport.Lines("b", status, Now)[^1]);
    }

    [Fact]
    public void Lines_WaitingButNoneListed_SaysNoneListedInsteadOfAnEmptyList()
    {
        var status = new BarrierStatus("b", 3, 2, BarrierState.Filling, 0);

        Assert.Equal(
            ["Barrier 'b': Filling, 2 of 3 waiting, phase 0.", "Waiters: 2 waiting, none listed."],
            BarrierStatusReport.Lines("b", status, Now));
    }

    [Fact]
    public void Lines_Missing_NamedAfterTheWaitersInTheSilosOrder()
    {
        var status = new BarrierStatus("b", 4, 1, BarrierState.Filling, 3)
        {
            Waiters = [new("a", null, Now)],
            Missing = ["c", "b", "d"],
        };

        Assert.Equal(
            "Missing (arrived last phase, not yet this one): c, b, d",
            BarrierStatusReport.Lines("b", status, Now)[^1]);
    }

    [Theory]
    [InlineData(BrokenBarrierReason.Aborted)]
    [InlineData(BrokenBarrierReason.Timeout)]
    public void Lines_Broken_SaysWhy(BrokenBarrierReason reason)
    {
        var status = new BarrierStatus("b", 3, 0, BarrierState.Broken, 1) { BrokenReason = reason };

        Assert.Equal(
            ["Barrier 'b': Broken, 0 of 3 waiting, phase 1 (every wait fails until it is reset).", $"Broken reason: {reason}"],
            BarrierStatusReport.Lines("b", status, Now));
    }

    [Fact]
    public void Lines_BrokenByLostParticipants_NamesThem()
    {
        var status = new BarrierStatus("b", 3, 0, BarrierState.Broken, 1)
        {
            BrokenReason = BrokenBarrierReason.ParticipantLost,
            LostParticipants = ["worker-3", "worker-5"],
        };

        Assert.Equal(
            "Broken reason: ParticipantLost; lost participants: worker-3, worker-5",
            BarrierStatusReport.Lines("b", status, Now)[1]);
    }

    [Fact]
    public void Lines_BrokenWithoutAReason_PrintsNoReasonLine()
    {
        // A silo from before reasons were reported leaves BrokenReason null.
        var status = new BarrierStatus("b", 3, 0, BarrierState.Broken, 1);

        Assert.Single(BarrierStatusReport.Lines("b", status, Now));
    }

    [Fact]
    public void Lines_ControlCharactersInNames_CannotBreakALineInTwo()
    {
        var status = new BarrierStatus("b", 3, 1, BarrierState.Filling, 1)
        {
            Waiters = [new("evil\nname", null, Now)],
            Missing = ["\u001b[2Jx"],
        };

        var lines = BarrierStatusReport.Lines("b", status, Now);

        Assert.Contains("  evil?name  client  waiting 0.0s", lines);
        Assert.Contains("Missing (arrived last phase, not yet this one): ?[2Jx", lines);
    }

    [Theory]
    [InlineData(-5_000, "0.0s")]
    [InlineData(0, "0.0s")]
    [InlineData(12_349, "12.3s")]
    [InlineData(59_999, "59.9s")]
    [InlineData(60_000, "1m00s")]
    [InlineData(245_000, "4m05s")]
    [InlineData(3_600_000, "1h00m")]
    [InlineData(93_780_000, "26h03m")]
    public void WaitedText_ReadableAtEveryScaleAndNeverNegative(long milliseconds, string expected)
    {
        Assert.Equal(expected, BarrierStatusReport.WaitedText(TimeSpan.FromMilliseconds(milliseconds)));
    }
}

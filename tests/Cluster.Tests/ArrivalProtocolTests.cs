namespace Orleans.Barrier.Tests;

/// <summary>The wire protocol under the handle: re-issued polls with one arrival id never count twice.</summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class ArrivalProtocolTests(BarrierClusterFixture fixture)
{
    private static readonly TimeSpan ShortPoll = TimeSpan.FromMilliseconds(100);
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task WaitAsync_ReissuedWithSameArrivalId_CountsOnce()
    {
        var name = TestBounds.UniqueName("reissue");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var arrival = ArrivalId.New();

        var first = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();
        var again = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, first.Incarnation)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Pending, first.Kind);
        Assert.Equal(ArrivalOutcomeKind.Pending, again.Kind);
        Assert.Equal(1, (await grain.GetStatusAsync(2).Bounded())!.Waiting);
    }

    [Fact]
    public async Task WaitAsync_ReissuedAfterRelease_GetsTheSameIndexAgain()
    {
        var name = TestBounds.UniqueName("late-reissue");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var arrival = ArrivalId.New();
        var pending = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();

        Assert.Equal(1, await _client.GetBarrier(name, 2).WaitAsync().Bounded());
        var late = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, pending.Incarnation)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Released, late.Kind);
        Assert.Equal(0, late.Index);
        Assert.Equal(1, late.Phase);
        Assert.Equal(0, (await grain.GetStatusAsync(2).Bounded())!.Waiting);
    }

    [Fact]
    public async Task WaitAsync_ReissueToAnotherIncarnation_ReattachesAsNewArrival()
    {
        var name = TestBounds.UniqueName("reattach");
        var grain = _client.GetGrain<IBarrierGrain>(name);

        // An incarnation the grain never had stands for one lost with its silo.
        var outcome = await grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 2, null, ShortPoll, long.MaxValue)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Pending, outcome.Kind);
        Assert.Equal(1, (await grain.GetStatusAsync(2).Bounded())!.Waiting);
    }

    [Fact]
    public async Task WaitAsync_UnknownArrivalFromSameIncarnation_IsUnknownNotCounted()
    {
        var name = TestBounds.UniqueName("unknown");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var first = await grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 3, null, ShortPoll, null)).Bounded();

        var stranger = await grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 3, null, ShortPoll, first.Incarnation)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Unknown, stranger.Kind);
        Assert.Equal(1, (await grain.GetStatusAsync(3).Bounded())!.Waiting);
    }

    [Fact]
    public async Task CancelAsync_AfterRelease_ReturnsTheIndexNotACancellation()
    {
        var name = TestBounds.UniqueName("cancel-late");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var arrival = ArrivalId.New();
        await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();
        await _client.GetBarrier(name, 2).WaitAsync().Bounded();

        var outcome = await grain.CancelAsync(arrival, 2).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Released, outcome.Kind);
        Assert.Equal(0, outcome.Index);
    }

    [Fact]
    public async Task WaitAsync_NegativeTimeoutOnTheWire_IsRejectedByTheGrain()
    {
        var grain = _client.GetGrain<IBarrierGrain>(TestBounds.UniqueName("wire-timeout"));

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 2, TimeSpan.FromSeconds(-3), ShortPoll, null))).Bounded();

        Assert.Equal(0, (await grain.GetStatusAsync(2).Bounded())!.Waiting);
    }

    [Fact]
    public async Task WaitAsync_ReissueWithoutThePartyCount_IsTakenByTheIncarnationThatCheckedIt()
    {
        var name = TestBounds.UniqueName("met");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var arrival = ArrivalId.New();
        var first = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();

        // The count was checked when the arrival met the barrier; its re-issues leave it out.
        var again = await grain.WaitAsync(new ArrivalRequest(arrival, null, null, ShortPoll, first.Incarnation)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Pending, again.Kind);
        Assert.Equal(1, await _client.GetBarrier(name, 2).WaitAsync().Bounded());
        var released = await grain.WaitAsync(new ArrivalRequest(arrival, null, null, ShortPoll, first.Incarnation)).Bounded();
        Assert.Equal((ArrivalOutcomeKind.Released, 0), (released.Kind, released.Index));
    }

    [Theory]
    [InlineData("first attempt")]
    [InlineData("another incarnation")]
    public async Task WaitAsync_WithoutThePartyCountWhereTheArrivalNeverMetTheBarrier_IsUnmetAndCountsNothing(string sentAs)
    {
        var name = TestBounds.UniqueName("unmet");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var waiting = _client.GetBarrier(name, 2).WaitAsync();
        await _client.GetBarrier(name, 2).WaitForWaitingAsync(1);
        var arrival = ArrivalId.New();
        long? incarnation = sentAs == "first attempt" ? null : long.MaxValue;

        var unmet = await grain.WaitAsync(new ArrivalRequest(arrival, null, null, ShortPoll, incarnation)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Unmet, unmet.Kind);
        Assert.Equal(1, (await grain.GetStatusAsync(2).Bounded())!.Waiting);

        // Sent again with its count (keeping the incarnation it had), it re-attaches and completes the party.
        var met = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, incarnation)).Bounded();
        Assert.Equal((ArrivalOutcomeKind.Released, 1), (met.Kind, met.Index));
        Assert.Equal(0, await waiting.Bounded());
    }

    [Fact]
    public async Task WaitAsync_WrongPartyCountAfterOthersMetTheBarrier_FailsNamingBothAndCountsNothing()
    {
        var name = TestBounds.UniqueName("mismatch-meet");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var first = await grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 3, null, ShortPoll, null)).Bounded();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(
            () => grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 4, null, ShortPoll, first.Incarnation))).Bounded();

        Assert.Contains("3", refused.Message);
        Assert.Contains("4", refused.Message);
        Assert.Equal(1, (await grain.GetStatusAsync(3).Bounded())!.Waiting);
    }

    [Fact]
    public async Task OneShotCallsWithoutThePartyCount_OnABarrierNeverUsed_AnswerWithoutCreatingIt()
    {
        var name = TestBounds.UniqueName("never-used");
        var grain = _client.GetGrain<IBarrierGrain>(name);

        var cancelled = await grain.CancelAsync(ArrivalId.New(), null).Bounded();
        var lost = await grain.LoseAsync(new LossRequest(ArrivalId.New(), ["p1"])).Bounded();
        var recalled = await grain.RecallAsync(new RecallRequest(ArrivalId.New(), $"0/{name}", 1)).Bounded();

        Assert.Equal(
            [ArrivalOutcomeKind.Cancelled, ArrivalOutcomeKind.Unknown, ArrivalOutcomeKind.Unknown],
            [cancelled.Kind, lost.Kind, recalled.Kind]);
        Assert.Null(await _client.GetBarrierAdmin().GetStatusAsync(name).Bounded());
    }

    [Fact]
    public async Task CancelAsync_WithThePartyCountOnABarrierNeverUsed_OvertakesItsArrivalWhichThenNeverCounts()
    {
        var name = TestBounds.UniqueName("overtaken");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var arrival = ArrivalId.New();

        var cancelled = await grain.CancelAsync(arrival, 2).Bounded();
        var late = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();

        Assert.Equal((ArrivalOutcomeKind.Cancelled, ArrivalOutcomeKind.Cancelled), (cancelled.Kind, late.Kind));
        Assert.Equal(0, (await grain.GetStatusAsync(2).Bounded())!.Waiting);
    }
}

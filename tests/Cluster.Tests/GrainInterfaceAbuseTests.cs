namespace Orleans.Barrier.Tests;

/// <summary>
/// Calls made straight to the (internal) <see cref="IBarrierGrain"/>, bypassing the handle's checks: each bad request gets a clear
/// exception or a harmless answer, and the barrier is left exactly as it was and still releases normally.
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class GrainInterfaceAbuseTests(BarrierClusterFixture fixture)
{
    private static readonly TimeSpan ShortPoll = TimeSpan.FromMilliseconds(100);
    private readonly IClusterClient _client = fixture.Client;

    public static TheoryData<string, Type, string> BadRequests() => new()
    {
        { "zero parties", typeof(ArgumentOutOfRangeException), "at least 1 party" },
        { "negative parties", typeof(ArgumentOutOfRangeException), "at least 1 party" },
        { "negative timeout", typeof(ArgumentOutOfRangeException), "timeout must be zero or more" },
        { "negative poll", typeof(ArgumentOutOfRangeException), "poll interval must be positive" },
        { "zero poll", typeof(ArgumentOutOfRangeException), "poll interval must be positive" },
        { "lease too short", typeof(ArgumentOutOfRangeException), "lease must be at least" },
        { "negative lease", typeof(ArgumentOutOfRangeException), "lease must be at least" },
        { "participant of 10,000 characters", typeof(ArgumentException), "participant name" },
        { "blank participant", typeof(ArgumentException), "participant name" },
        { "unknown loss policy", typeof(ArgumentOutOfRangeException), "participant loss policy" },
        { "negative units", typeof(ArgumentOutOfRangeException), "1 to 3 participants" },
        { "more units than parties", typeof(ArgumentOutOfRangeException), "1 to 3 participants" },
        { "members not one per unit", typeof(ArgumentException), "it must name each once" },
        { "blank silo", typeof(ArgumentException), "silo must be null" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task WaitAsync_BadRequest_FailsClearlyAndLeavesTheBarrierUnharmed(string bad, Type expected, string message)
    {
        var (name, grain, waiting) = await StartBarrierWithOneWaiterAsync();

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => grain.WaitAsync(BadRequest(bad))).Bounded();

        Assert.IsType(expected, thrown, exactMatch: false);
        Assert.Contains(message, thrown.Message, StringComparison.OrdinalIgnoreCase);
        await AssertUnharmedAsync(name, waiting);
    }

    [Fact]
    public async Task WaitAsync_NullRequest_ThrowsArgumentNull()
    {
        var (name, grain, waiting) = await StartBarrierWithOneWaiterAsync();

        await Assert.ThrowsAsync<ArgumentNullException>(() => grain.WaitAsync(null!)).Bounded();

        await AssertUnharmedAsync(name, waiting);
    }

    public static TheoryData<string, Type, string> BadOtherRequests() => new()
    {
        { "withdrawal of more units than parties", typeof(ArgumentOutOfRangeException), "1 to 3 participants" },
        { "withdrawal with a blank participant", typeof(ArgumentException), "participant name" },
        { "null withdrawal", typeof(ArgumentNullException), "request" },
        { "loss naming nobody", typeof(ArgumentException), "at least one" },
        { "loss naming a blank participant", typeof(ArgumentException), "participant name" },
        { "withdrawal without the party count", typeof(ArgumentException), "carries the party count" },
        { "null loss", typeof(ArgumentNullException), "request" },
        { "recall without a shard", typeof(ArgumentException), "names the shard" },
        { "recall with a negative epoch", typeof(ArgumentException), "epoch of 0 or more" },
        { "null recall", typeof(ArgumentNullException), "request" },
    };

    [Theory]
    [MemberData(nameof(BadOtherRequests))]
    public async Task WithdrawLoseOrRecall_BadRequest_FailsClearlyAndLeavesTheBarrierUnharmed(string bad, Type expected, string message)
    {
        var (name, grain, waiting) = await StartBarrierWithOneWaiterAsync();

        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => SendBadOtherRequest(grain, bad)).Bounded();

        Assert.IsType(expected, thrown, exactMatch: false);
        Assert.Contains(message, thrown.Message, StringComparison.OrdinalIgnoreCase);
        await AssertUnharmedAsync(name, waiting);
    }

    [Fact]
    public async Task RecallAsync_MemberNeverReleased_AnswersUnknownAndCountsNothing()
    {
        var (name, grain, waiting) = await StartBarrierWithOneWaiterAsync();

        // A recall carries no arrival terms (no lease, poll or participant) and is not checked as if it had them.
        var recalled = await grain.RecallAsync(new RecallRequest(ArrivalId.New(), $"0/{name}", 1)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Unknown, recalled.Kind);
        await AssertUnharmedAsync(name, waiting);
    }

    [Fact]
    public async Task LoseAsync_ArrivalNeverHeardOf_AnswersUnknownAndBreaksNothing()
    {
        var (name, grain, waiting) = await StartBarrierWithOneWaiterAsync();

        var lost = await grain.LoseAsync(new LossRequest(ArrivalId.New(), ["p1"])).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Unknown, lost.Kind);
        await AssertUnharmedAsync(name, waiting);
    }

    [Fact]
    public async Task AnyCall_NameOf10000Characters_IsRefusedWithoutCreatingABarrier()
    {
        var grain = _client.GetGrain<IBarrierGrain>(new string('n', 10_000));

        var wait = await Assert.ThrowsAsync<ArgumentException>(() => grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 2, null, ShortPoll, null))).Bounded();
        var status = await Assert.ThrowsAsync<ArgumentException>(() => grain.GetStatusAsync(2)).Bounded();

        Assert.Contains("at most 1024 characters", wait.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1024 characters", status.Message, StringComparison.Ordinal);
        Assert.Null(await grain.GetStatusAsync(null).Bounded());
        Assert.Throws<ArgumentException>(() => _client.GetBarrier(new string('n', 10_000), 2));
    }

    [Fact]
    public async Task WaitAsync_AbsurdTimeoutAndPoll_AreAcceptedAndBounded()
    {
        var (name, grain, waiting) = await StartBarrierWithOneWaiterAsync();
        var request = new ArrivalRequest(ArrivalId.New(), 3, TimeSpan.MaxValue, TimeSpan.MaxValue, null) { Lease = TimeSpan.FromSeconds(1.5) };

        // TimeSpan.MaxValue as a timeout means "beyond the calendar": no deadline. As a poll it is capped by the
        // lease (a third of it), so the call answers long before the 3 s response timeout.
        var outcome = await grain.WaitAsync(request).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Pending, outcome.Kind);
        Assert.Equal(2, (await grain.GetStatusAsync(3).Bounded())!.Waiting);
        await grain.CancelAsync(request.Id, 3).Bounded();
        await AssertUnharmedAsync(name, waiting);
    }

    [Fact]
    public async Task WaitAsync_ArrivalIdReusedAfterItsRelease_GetsTheSameAnswerAndIsNotCountedAgain()
    {
        var name = TestBounds.UniqueName("reused-id");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var arrival = ArrivalId.New();
        await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();
        Assert.Equal(1, await _client.GetBarrier(name, 2).WaitAsync().Bounded());

        // Sent again as if new (no incarnation): still the remembered release, never an arrival in phase 2.
        var reused = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();

        Assert.Equal((ArrivalOutcomeKind.Released, 0, 1L), (reused.Kind, reused.Index, reused.Phase));
        var status = (await grain.GetStatusAsync(2).Bounded())!;
        Assert.Equal((0, 1L), (status.Waiting, status.Phase));
    }

    [Fact]
    public async Task WaitAsync_UnknownArrivalIdWithTheCurrentIncarnation_AnswersUnknownAndCountsNothing()
    {
        var name = TestBounds.UniqueName("unknown-id");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var first = await grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 3, null, ShortPoll, null)).Bounded();

        var unknown = await grain.WaitAsync(new ArrivalRequest(ArrivalId.New(), 3, null, ShortPoll, first.Incarnation)).Bounded();

        Assert.Equal(ArrivalOutcomeKind.Unknown, unknown.Kind);
        Assert.Equal(1, (await grain.GetStatusAsync(3).Bounded())!.Waiting);
    }

    [Fact]
    public async Task CancelAsync_ArrivalFromAnEarlierPhase_ReturnsItsReleaseAndChangesNothing()
    {
        var name = TestBounds.UniqueName("cancel-old");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var arrival = ArrivalId.New();
        await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();
        await _client.GetBarrier(name, 2).WaitAsync().Bounded();
        var next = _client.GetBarrier(name, 2).WaitAsync();
        await _client.GetBarrier(name, 2).WaitForWaitingAsync(1);

        var cancelled = await grain.CancelAsync(arrival, 2).Bounded();

        Assert.Equal((ArrivalOutcomeKind.Released, 0, 1L), (cancelled.Kind, cancelled.Index, cancelled.Phase));
        Assert.Equal(1, (await grain.GetStatusAsync(2).Bounded())!.Waiting);
        Assert.Equal(1, await _client.GetBarrier(name, 2).WaitAsync().Bounded());
        Assert.Equal(0, await next.Bounded());
    }

    [Fact]
    public async Task WaitAsync_ReattachAfterReset_GetsTheResetNotASeatInTheNewPhase()
    {
        var name = TestBounds.UniqueName("reattach-reset");
        var grain = _client.GetGrain<IBarrierGrain>(name);
        var arrival = ArrivalId.New();
        var first = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();
        await grain.ResetAsync(2).Bounded();

        // As a participant whose answer was lost would: same id, no incarnation (a "new" activation to it).
        var again = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, null)).Bounded();
        var sameIncarnation = await grain.WaitAsync(new ArrivalRequest(arrival, 2, null, ShortPoll, first.Incarnation)).Bounded();

        Assert.Equal((ArrivalOutcomeKind.Broken, BrokenBarrierReason.Reset), (again.Kind, again.Reason));
        Assert.Equal((ArrivalOutcomeKind.Broken, BrokenBarrierReason.Reset), (sameIncarnation.Kind, sameIncarnation.Reason));
        Assert.Equal(0, (await grain.GetStatusAsync(2).Bounded())!.Waiting);
    }

    private static ArrivalRequest BadRequest(string bad)
    {
        var fine = new ArrivalRequest(ArrivalId.New(), 3, null, ShortPoll, null);
        return bad switch
        {
            "zero parties" => fine with { Parties = 0 },
            "negative parties" => fine with { Parties = -3 },
            "negative timeout" => fine with { Timeout = TimeSpan.FromSeconds(-1) },
            "negative poll" => fine with { MaxPoll = TimeSpan.FromSeconds(-1) },
            "zero poll" => fine with { MaxPoll = TimeSpan.Zero },
            "lease too short" => fine with { Lease = TimeSpan.FromMilliseconds(10) },
            "negative lease" => fine with { Lease = TimeSpan.FromSeconds(-5) },
            "participant of 10,000 characters" => fine with { Participant = new string('p', 10_000) },
            "blank participant" => fine with { Participant = "   " },
            "unknown loss policy" => fine with { OnParticipantLost = (ParticipantLossPolicy)42 },
            "negative units" => fine with { Units = -1 },
            "more units than parties" => fine with { Units = 4 },
            "members not one per unit" => fine with { Units = 2, Members = ["g1"] },
            "blank silo" => fine with { Silo = "  " },
            _ => throw new ArgumentOutOfRangeException(nameof(bad), bad, "No such bad request."),
        };
    }

    private static Task<ArrivalOutcome> SendBadOtherRequest(IBarrierGrain grain, string bad)
    {
        var arrival = new ArrivalRequest(ArrivalId.New(), 3, null, null, null);
        return bad switch
        {
            "withdrawal of more units than parties" => grain.WithdrawAsync(new WithdrawalRequest(arrival with { Units = 4 })),
            "withdrawal with a blank participant" => grain.WithdrawAsync(new WithdrawalRequest(arrival with { Participant = " " })),
            "null withdrawal" => grain.WithdrawAsync(null!),
            "loss naming nobody" => grain.LoseAsync(new LossRequest(arrival.Id, [])),
            "loss naming a blank participant" => grain.LoseAsync(new LossRequest(arrival.Id, ["  "])),
            "withdrawal without the party count" => grain.WithdrawAsync(new WithdrawalRequest(arrival with { Parties = null })),
            "null loss" => grain.LoseAsync(null!),
            "recall without a shard" => grain.RecallAsync(new RecallRequest(arrival.Id, null!, 1)),
            "recall with a negative epoch" => grain.RecallAsync(new RecallRequest(arrival.Id, "0/b", -1)),
            "null recall" => grain.RecallAsync(null!),
            _ => throw new ArgumentOutOfRangeException(nameof(bad), bad, "No such bad request."),
        };
    }

    private async Task<(string Name, IBarrierGrain Grain, Task<int> Waiting)> StartBarrierWithOneWaiterAsync()
    {
        var name = TestBounds.UniqueName("abuse");
        var barrier = _client.GetBarrier(name, 3);
        var waiting = barrier.WaitAsync();
        await barrier.WaitForWaitingAsync(1);
        return (name, _client.GetGrain<IBarrierGrain>(name), waiting);
    }

    /// <summary>The barrier still has its one waiter, phase 0, filling, and releases a full party normally.</summary>
    private async Task AssertUnharmedAsync(string name, Task<int> waiting)
    {
        var barrier = _client.GetBarrier(name, 3);
        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal((1, BarrierState.Filling, 0L), (status.Waiting, status.State, status.Phase));

        var indices = await Task.WhenAll(barrier.WaitAsync(), barrier.WaitAsync()).Bounded();

        Assert.Equal([1, 2], indices.Order());
        Assert.Equal(0, await waiting.Bounded());
    }
}

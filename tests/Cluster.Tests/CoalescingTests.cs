using Orleans.Barrier.Testing;

namespace Orleans.Barrier.Tests;

/// <summary>
/// A client's participants coalesced into shared arrivals (<see cref="BarrierOptions.CoalesceArrivals"/>): fewer
/// messages, the same contract — indices, cancellation, overflow into the next phase, aborts, resets, mismatches.
/// </summary>
[Collection(SharedClusterDefinition.Name)]
public sealed class CoalescingTests(BarrierClusterFixture fixture)
{
    private readonly IClusterClient _client = fixture.Client;

    [Fact]
    public async Task WaitAsync_ManyParticipantsOfOneClient_ReleaseWithAPermutationInFewArrivals()
    {
        const int Parties = 256;
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-many"), Parties);

        var waits = Enumerable.Range(0, Parties - 1).Select(_ => barrier.WaitAsync()).ToList();
        var status = await barrier.WaitForWaitingAsync(Parties - 1);

        // Every participant is counted once, but they reached the barrier as a few arrivals, not one each.
        Assert.Equal(Parties - 1, status.Waiters.Sum(w => w.Count));
        Assert.True(status.Waiters.Count < Parties / 4, $"{status.Waiters.Count} arrivals carried {Parties - 1} participants.");
        Assert.All(status.Waiters, w => Assert.Equal(status.Waiters[0].Participant, w.Participant));

        waits.Add(barrier.WaitAsync());
        var indices = await Task.WhenAll(waits).Bounded();

        Assert.Equal(Enumerable.Range(0, Parties), indices.Order());
        Assert.Equal(1, (await barrier.GetStatusAsync().Bounded()).Phase);
    }

    [Fact]
    public async Task WaitAsync_CoalescingOff_SendsOneArrivalPerParticipant()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-off"), new BarrierOptions { Parties = 9, CoalesceArrivals = false });

        var waits = Enumerable.Range(0, 8).Select(_ => barrier.WaitAsync()).ToList();
        var status = await barrier.WaitForWaitingAsync(8);

        Assert.Equal(8, status.Waiters.Count);
        Assert.All(status.Waiters, w => Assert.Equal(1, w.Count));
        waits.Add(barrier.WaitAsync());
        Assert.Equal(Enumerable.Range(0, 9), (await Task.WhenAll(waits).Bounded()).Order());
    }

    [Fact]
    public async Task WaitAsync_OneMemberOfACoalescedArrivalCancelled_LeavesExactlyAndTheOthersKeepWaiting()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-cancel"), 6);
        using var cancellation = new CancellationTokenSource();
        var stay = Enumerable.Range(0, 4).Select(_ => barrier.WaitAsync()).ToList();
        var leaves = barrier.WaitAsync(cancellation.Token);
        await barrier.WaitForWaitingAsync(5);

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaves).Bounded();

        // No polling here: the member must already be withdrawn when its cancelled call returns, and the others
        // must still be counted.
        var status = await barrier.GetStatusAsync().Bounded();
        Assert.Equal(4, status.Waiting);
        Assert.Equal(4, status.Waiters.Sum(w => w.Count));
        Assert.All(stay, wait => Assert.False(wait.IsCompleted));

        stay.Add(barrier.WaitAsync());
        stay.Add(barrier.WaitAsync());
        Assert.Equal(Enumerable.Range(0, 6), (await Task.WhenAll(stay).Bounded()).Order());
    }

    [Fact]
    public async Task WaitAsync_EveryMemberCancelled_LeavesNothingWaiting()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-cancel-all"), 4);
        using var cancellation = new CancellationTokenSource();
        var waits = Enumerable.Range(0, 3).Select(_ => barrier.WaitAsync(cancellation.Token)).ToList();
        await barrier.WaitForWaitingAsync(3);

        await cancellation.CancelAsync();
        foreach (var wait in waits)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait).Bounded();
        }

        Assert.Equal(0, (await barrier.GetStatusAsync().Bounded()).Waiting);
    }

    [Fact]
    public async Task WaitAsync_RandomCancellationsRacingReleases_EveryWaiterIsCountedOnceOrLeaves()
    {
        const int Parties = 8;
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-race"), Parties);
        var random = new Random(12345);
        var indices = new List<int>();
        var cancelled = 0;
        for (var round = 0; round < 20; round++)
        {
            var cancellations = Enumerable.Range(0, 12).Select(_ => new CancellationTokenSource()).ToList();
            var waits = cancellations.Select(c => barrier.WaitAsync(c.Token)).ToList();
            if (random.Next(2) == 0)
            {
                await Task.Yield();
            }

            foreach (var cancellation in cancellations.Where(_ => random.Next(3) == 0))
            {
                await cancellation.CancelAsync();
            }

            // Once the cancellations have settled, those still waiting are fewer than a party and all counted;
            // a reset then ends them, so every wait has an outcome.
            await barrier.WaitForStatusAsync(
                s => s.Waiting == waits.Count(w => !w.IsCompleted) && s.Waiting < Parties && waits.Where((_, i) => cancellations[i].IsCancellationRequested).All(w => w.IsCompleted),
                TimeSpan.FromSeconds(10));
            await barrier.ResetAsync().Bounded();
            foreach (var wait in waits)
            {
                try
                {
                    indices.Add(await wait.Bounded());
                }
                catch (OperationCanceledException)
                {
                    cancelled++;
                }
                catch (BrokenBarrierException broken) when (broken.Reason == BrokenBarrierReason.Reset)
                {
                }
            }

            cancellations.ForEach(c => c.Dispose());
        }

        // Every release counted exactly a party, with each index once per release; nobody was lost or counted twice.
        var phase = (await barrier.GetStatusAsync().Bounded()).Phase;
        Assert.Equal(phase * Parties, indices.Count);
        Assert.All(Enumerable.Range(0, Parties), i => Assert.Equal(phase, indices.Count(x => x == i)));
        Assert.True(cancelled > 0 && phase > 0, $"{cancelled} cancelled, {phase} releases: the test exercised nothing.");
    }

    [Fact]
    public async Task WaitAsync_MoreParticipantsThanParties_TheRestWaitForTheNextPhase()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-overflow"), 3);

        var waits = Enumerable.Range(0, 7).Select(_ => barrier.WaitAsync()).ToList();
        var left = waits.ToList();
        var finished = new List<Task<int>>();
        while (finished.Count < 6)
        {
            var done = await Task.WhenAny(left).Bounded();
            left.Remove(done);
            finished.Add(done);
        }

        Assert.Equal([0, 0, 1, 1, 2, 2], (await Task.WhenAll(finished).Bounded()).Order());
        var status = await barrier.WaitForWaitingAsync(1);
        Assert.Equal(2, status.Phase);
        Assert.False(Assert.Single(left).IsCompleted);
        waits.Add(barrier.WaitAsync());
        waits.Add(barrier.WaitAsync());
        Assert.Equal([0, 0, 0, 1, 1, 1, 2, 2, 2], (await Task.WhenAll(waits).Bounded()).Order());
    }

    [Fact]
    public async Task AbortAsync_ReachesEveryMemberOfACoalescedArrival()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-abort"), 10);
        var waits = Enumerable.Range(0, 6).Select(_ => barrier.WaitAsync()).ToList();
        await barrier.WaitForWaitingAsync(6);

        await barrier.AbortAsync().Bounded();

        foreach (var wait in waits)
        {
            var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => wait).Bounded();
            Assert.Equal(BrokenBarrierReason.Aborted, broken.Reason);
        }
    }

    [Fact]
    public async Task WaitAsync_PartyCountMismatch_FailsEveryMemberAndLeavesTheBarrierAlone()
    {
        var name = TestBounds.UniqueName("coalesce-mismatch");
        var existing = _client.GetBarrier(name, 3);
        var first = existing.WaitAsync();
        await existing.WaitForWaitingAsync(1);

        var wrong = _client.GetBarrier(name, 5);
        var waits = Enumerable.Range(0, 4).Select(_ => wrong.WaitAsync()).ToList();

        foreach (var wait in waits)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => wait).Bounded();
            Assert.Contains("3 parties", error.Message, StringComparison.Ordinal);
        }

        Assert.Equal(1, (await existing.GetStatusAsync().Bounded()).Waiting);
        await Task.WhenAll(first, existing.WaitAsync(), existing.WaitAsync()).Bounded();
    }

    [Fact]
    public async Task WaitAsync_CoalescedWithSingleArrivalsAndGrains_ReleasesOnePermutation()
    {
        const int Parties = 12;
        var name = TestBounds.UniqueName("coalesce-mixed");
        var waits = new List<Task<int>>();
        waits.AddRange(Enumerable.Range(0, 6).Select(_ => _client.GetBarrier(name, Parties).WaitAsync()));
        waits.AddRange(Enumerable.Range(0, 2).Select(_ => _client.GetBarrier(name, new BarrierOptions { Parties = Parties, CoalesceArrivals = false }).WaitAsync()));
        waits.AddRange(Enumerable.Range(0, 2).Select(_ => _client.GetBarrier(name, Parties).WaitAsync(TimeSpan.FromMinutes(1))));
        waits.AddRange(Enumerable.Range(0, 2).Select(i => _client.GetGrain<IParticipantGrain>($"{name}-grain-{i}").WaitAsync(name, Parties, null)));

        Assert.Equal(Enumerable.Range(0, Parties), (await Task.WhenAll(waits).Bounded()).Order());
    }

    [Fact]
    public async Task WaitAsync_GrainsOfOneSilo_CoalesceButAreListedByTheirOwnNamesAndSilos()
    {
        const int Grains = 16;
        var name = TestBounds.UniqueName("coalesce-grains");
        var watcher = _client.GetBarrier(name, Grains + 1);
        var grains = Enumerable.Range(0, Grains).Select(i => _client.GetGrain<IParticipantGrain>($"{name}-g{i}")).ToList();
        var silos = await Task.WhenAll(grains.Select(g => g.GetSiloAsync())).Bounded();

        var waits = grains.Select(g => g.WaitLongAsync(name, Grains + 1)).ToList();
        var status = await watcher.WaitForWaitingAsync(Grains);

        // Fewer arrivals than grains (each silo's grains shared theirs), yet every grain is listed as itself, where it runs.
        Assert.True(status.Arrivals < Grains, $"{Grains} grains on {silos.Distinct().Count()} silos came in {status.Arrivals} arrivals.");
        var expected = grains.Select((g, i) => (g.GetGrainId().ToString(), silos[i])).Order().ToList();
        Assert.Equal(expected, status.Waiters.Select(w => (w.Participant, w.Silo!)).Order().ToList());

        waits.Add(watcher.WaitAsync());
        Assert.Equal(Enumerable.Range(0, Grains + 1), (await Task.WhenAll(waits).Bounded()).Order());

        // The release's roster kept every grain's own name: nobody is back yet, so all are missing.
        var missing = (await watcher.GetStatusAsync().Bounded()).Missing;
        Assert.All(expected, e => Assert.Contains(e.Item1, missing));
    }

    [Fact]
    public async Task WaitAsync_OneGrainOfACoalescedArrivalCancelled_LeavesByNameAndTheOthersStay()
    {
        const int Grains = 6;
        var name = TestBounds.UniqueName("coalesce-grain-cancel");
        var watcher = _client.GetBarrier(name, Grains + 1);
        var grains = Enumerable.Range(0, Grains).Select(i => _client.GetGrain<IParticipantGrain>($"{name}-g{i}")).ToList();
        var tickets = grains.Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(grains.Select((g, i) => g.BeginCancellableWaitAsync(name, Grains + 1, tickets[i]))).Bounded();
        await watcher.WaitForWaitingAsync(Grains);

        var outcome = await grains[2].CancelWaitAsync(tickets[2]).Bounded();

        Assert.Equal(new ParticipantWaitOutcome(null, "cancelled"), outcome);
        var status = await watcher.GetStatusAsync().Bounded();
        Assert.Equal(Grains - 1, status.Waiting);
        Assert.DoesNotContain(grains[2].GetGrainId().ToString(), status.Waiters.Select(w => w.Participant));
        Assert.Equal(Grains - 1, status.Waiters.Select(w => w.Participant).Distinct().Count());

        var released = await Task.WhenAll(watcher.WaitAsync(), watcher.WaitAsync()).Bounded();
        var indices = new List<int>(released);
        foreach (var (grain, i) in grains.Select((g, i) => (g, i)).Where(x => x.i != 2))
        {
            var ended = await WaitOutcomeAsync(grain, tickets[i]);
            indices.Add(ended.Index ?? throw new InvalidOperationException(ended.Error));
        }

        Assert.Equal(Enumerable.Range(0, Grains + 1), indices.Order());

        // The release's roster names the grains that stayed, not the one that left.
        var missing = (await watcher.GetStatusAsync().Bounded()).Missing;
        Assert.DoesNotContain(grains[2].GetGrainId().ToString(), missing);
        Assert.Contains(grains[0].GetGrainId().ToString(), missing);
    }

    private static async Task<ParticipantWaitOutcome> WaitOutcomeAsync(IParticipantGrain grain, Guid ticket)
    {
        using var bound = new CancellationTokenSource(TestBounds.Default);
        while (true)
        {
            if (await grain.GetWaitOutcomeAsync(ticket) is { } outcome)
            {
                return outcome;
            }

            await Task.Delay(20, bound.Token);
        }
    }

    [Fact]
    public async Task WaitAsync_CoalescedWithTimeouts_TheEarliestDeadlineBreaksTheBarrierForAll()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-timeout"), 10);
        var patient = Enumerable.Range(0, 3).Select(_ => barrier.WaitAsync()).ToList();
        var impatient = barrier.WaitAsync(TimeSpan.FromMilliseconds(300));

        foreach (var wait in patient.Append(impatient))
        {
            var broken = await Assert.ThrowsAsync<BrokenBarrierException>(() => wait).Bounded();
            Assert.Equal(BrokenBarrierReason.Timeout, broken.Reason);
        }
    }

    [Fact]
    public async Task WaitAsync_CoalescedMemberWithTheEarliestDeadlineCancelled_TakesItsDeadlineAlong()
    {
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-timeout-cancel"), 5);
        using var cancellation = new CancellationTokenSource();
        var stay = Enumerable.Range(0, 3).Select(_ => barrier.WaitAsync(TimeSpan.FromMinutes(1))).ToList();
        var leaves = barrier.WaitAsync(TimeSpan.FromMilliseconds(500), cancellation.Token);
        await barrier.WaitForWaitingAsync(4);

        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leaves).Bounded();
        var status = await barrier.WaitForWaitingAsync(3);

        // Well past the cancelled member's deadline the barrier is whole: its deadline left with it.
        var until = DateTimeOffset.UtcNow.AddMilliseconds(700);
        while (DateTimeOffset.UtcNow < until)
        {
            status = await barrier.GetStatusAsync().Bounded();
            Assert.Equal(BarrierState.Filling, status.State);
            await Task.Delay(50);
        }

        stay.Add(barrier.WaitAsync());
        stay.Add(barrier.WaitAsync());
        Assert.Equal(Enumerable.Range(0, 5), (await Task.WhenAll(stay).Bounded()).Order());
    }

    [Fact]
    public async Task WaitAsync_BigReleaseWhoseMembersDoNotAllComeBack_TheOthersAreSentAfterAPause()
    {
        // Big enough that the coalescer waits for a release's members to come back (4,096 and up).
        const int Parties = 4_100;
        var barrier = _client.GetBarrier(TestBounds.UniqueName("coalesce-big"), Parties);
        var alone = _client.GetBarrier(barrier.Name, new BarrierOptions { Parties = Parties, CoalesceArrivals = false });

        var first = await Task.WhenAll(Enumerable.Range(0, Parties).Select(_ => barrier.WaitAsync())).Bounded();
        Assert.Equal(Enumerable.Range(0, Parties), first.Order());

        // One of them does not come back; a participant of its own takes its place. The coalescer stops waiting
        // for the missing one after a pause and sends the others.
        var second = Enumerable.Range(0, Parties - 1).Select(_ => barrier.WaitAsync()).Append(alone.WaitAsync());
        Assert.Equal(Enumerable.Range(0, Parties), (await Task.WhenAll(second).Bounded()).Order());

        // Running free: everyone back at once, released again in one piece.
        var third = await Task.WhenAll(Enumerable.Range(0, Parties).Select(_ => barrier.WaitAsync())).Bounded();
        Assert.Equal(Enumerable.Range(0, Parties), third.Order());
        Assert.Equal(3, (await barrier.GetStatusAsync().Bounded()).Phase);
    }
}

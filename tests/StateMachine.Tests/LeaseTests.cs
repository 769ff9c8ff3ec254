using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Leases: renewal by re-issued arrivals, and what a lost lease does under the break and evict policies.</summary>
public sealed class LeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    private static TimeSpan Seconds(double seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void Arrive_WithLease_SetsNextDeadlineToNowPlusLease()
    {
        var machine = NewMachine(3);

        var transition = machine.Arrive(ArrivalId.New(), Leased("a", Lease), T0 + Seconds(1));

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal(T0 + Seconds(1) + Lease, machine.NextDeadline);
    }

    [Fact]
    public void Arrive_WaitingIdReissuedBeforeExpiry_MovesTheLeaseAndNextDeadline()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease), T0);

        var reissue = machine.Arrive(a, Leased("a", Lease), T0 + Seconds(2), mustBeKnown: true);

        Assert.Equal(ArrivalResult.Pending(0), reissue.Result);
        Assert.Empty(reissue.Completions);
        Assert.Equal(T0 + Seconds(2) + Lease, machine.NextDeadline);
    }

    [Fact]
    public void AdvanceTime_PastTheFirstLeaseOfARenewedArrival_KeepsItWaiting()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease), T0);
        machine.Arrive(a, Leased("a", Lease), T0 + Seconds(2));

        var transition = machine.AdvanceTime(T0 + Seconds(4));

        Assert.Empty(transition.Completions);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal([a], machine.WaitingArrivals);
    }

    [Fact]
    public void AdvanceTime_PastTheRenewedLease_LosesTheArrivalThen()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease), T0);
        machine.Arrive(a, Leased("a", Lease), T0 + Seconds(2));

        var early = machine.AdvanceTime(T0 + Seconds(5) - TimeSpan.FromTicks(1));
        var due = machine.AdvanceTime(T0 + Seconds(5));

        Assert.Empty(early.Completions);
        AssertLost(Assert.Single(due.Completions).Result, 0, "a");
    }

    [Fact]
    public void Arrive_ReissuedWithOtherTerms_RenewsByTheFirstArrivalsLease()
    {
        // Only the first arrival's terms count; a re-issue cannot lengthen, shorten or drop the lease.
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease), T0);

        machine.Arrive(a, Leased("other", TimeSpan.FromHours(1), ParticipantLossPolicy.Evict), T0 + Seconds(1));

        Assert.Equal(T0 + Seconds(1) + Lease, machine.NextDeadline);
        Assert.Equal("a", Assert.Single(machine.GetStatus().Waiters).Participant);
    }

    [Fact]
    public void AdvanceTime_PastABreakLease_BreaksWithParticipantLostForEveryWaiter()
    {
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        machine.Arrive(a, Named("a"), T0);
        machine.Arrive(b, Leased("b", Lease), T0);
        machine.Arrive(c, Named("c"), T0);

        var transition = machine.AdvanceTime(T0 + Lease);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.Equal([a, b, c], Completed(transition));
        Assert.All(transition.Completions, x => AssertLost(x.Result, 0, "b"));
        Assert.Equal(BarrierState.Broken, machine.State);
        Assert.Equal(BrokenBarrierReason.ParticipantLost, machine.BrokenReason);
        Assert.Equal(["b"], machine.LostParticipants);
        Assert.Equal(0, machine.Waiting);
        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void AdvanceTime_PastSeveralBreakLeases_NamesEveryLostParticipantOnce()
    {
        // Two arrivals share the name "w"; "late" still has time left and is not named.
        var machine = NewMachine(5);
        machine.Arrive(ArrivalId.New(), Leased("w", Seconds(1)), T0);
        machine.Arrive(ArrivalId.New(), Leased("x", Seconds(2)), T0);
        machine.Arrive(ArrivalId.New(), Leased("w", Seconds(3)), T0);
        machine.Arrive(ArrivalId.New(), Leased("late", Seconds(10)), T0);

        var transition = machine.AdvanceTime(T0 + Seconds(3));

        Assert.Equal(4, transition.Completions.Count);
        Assert.All(transition.Completions, x => AssertLost(x.Result, 0, "w", "x"));
        Assert.Equal(["w", "x"], machine.LostParticipants.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Arrive_AfterAParticipantLostBreak_GetsTheSameBrokenResult()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), Leased("a", Lease), T0);
        machine.AdvanceTime(T0 + Lease);

        var later = machine.Arrive(ArrivalId.New(), Named("b"), T0 + Seconds(10));

        AssertLost(later.Result, 0, "a");
        Assert.Empty(later.Completions);
        Assert.Equal(0, machine.Waiting);
    }

    [Fact]
    public void GetStatus_AfterAParticipantLostBreak_ShowsTheReasonAndTheLostParticipants()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), Leased("a", Lease), T0);
        machine.AdvanceTime(T0 + Lease);

        var status = machine.GetStatus();

        Assert.True(status.IsBroken);
        Assert.Equal(BrokenBarrierReason.ParticipantLost, status.BrokenReason);
        Assert.Equal(["a"], status.LostParticipants);
    }

    [Fact]
    public void Reset_AfterAParticipantLostBreak_ClearsTheReasonAndTheLostParticipants()
    {
        var machine = NewMachine(2);
        machine.Arrive(ArrivalId.New(), Leased("a", Lease), T0);
        machine.AdvanceTime(T0 + Lease);

        machine.Reset(T0 + Seconds(4));

        var status = machine.GetStatus();
        Assert.False(status.IsBroken);
        Assert.Null(status.BrokenReason);
        Assert.Empty(status.LostParticipants);
        Assert.Empty(machine.LostParticipants);
        Assert.Null(machine.Snapshot().BrokenReason);
        Assert.Empty(machine.Snapshot().LostParticipants);
        Assert.Equal(ArrivalResult.Pending(0), machine.Arrive(ArrivalId.New(), Named("b"), T0 + Seconds(5)).Result);
    }

    [Fact]
    public void AdvanceTime_PastAnEvictLease_EvictsOnlyThatArrivalAndTheOthersKeepWaiting()
    {
        var machine = NewMachine(4);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        machine.Arrive(a, Named("a"), T0);
        machine.Arrive(b, Leased("b", Lease, ParticipantLossPolicy.Evict), T0);
        machine.Arrive(c, Named("c"), T0);
        var version = machine.Version;

        var transition = machine.AdvanceTime(T0 + Lease);

        Assert.Equal(new ArrivalCompletion(b, ArrivalResult.Evicted(0)), Assert.Single(transition.Completions));
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal([a, c], machine.WaitingArrivals);
        Assert.Equal(2, machine.Waiting);
        Assert.Equal(version, machine.Version);
        Assert.Null(machine.NextDeadline);
    }

    [Fact]
    public void Arrive_AfterAnEviction_TheRemainingArrivalsReleaseWithIndicesFromZero()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var evicted = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        machine.Arrive(a, Named("a"), T0);
        machine.Arrive(evicted, Leased("e", Lease, ParticipantLossPolicy.Evict), T0);
        machine.AdvanceTime(T0 + Lease);

        machine.Arrive(b, Named("b"), T0 + Seconds(4));
        var last = machine.Arrive(c, Named("c"), T0 + Seconds(4));

        Assert.Equal(ArrivalResult.Released(2, 1), last.Result);
        Assert.Equal([a, b, c], Completed(last));
        Assert.Equal([0, 1, 2], Indices(last));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Arrive_EvictedIdReissued_ReturnsEvictedAndDoesNotRejoin(bool mustBeKnown)
    {
        var machine = NewMachine(3);
        var evicted = ArrivalId.New();
        machine.Arrive(evicted, Leased("e", Lease, ParticipantLossPolicy.Evict), T0);
        machine.AdvanceTime(T0 + Lease);

        var reissue = machine.Arrive(evicted, Leased("e", Lease, ParticipantLossPolicy.Evict), T0 + Seconds(4), mustBeKnown);

        Assert.Equal(ArrivalResult.Evicted(0), reissue.Result);
        Assert.Empty(reissue.Completions);
        Assert.Equal(0, machine.Waiting);
    }

    [Fact]
    public void Cancel_EvictedId_ReturnsEvicted()
    {
        var machine = NewMachine(3);
        var evicted = ArrivalId.New();
        machine.Arrive(evicted, Leased("e", Lease, ParticipantLossPolicy.Evict), T0);
        machine.AdvanceTime(T0 + Lease);

        var cancel = machine.Cancel(evicted, T0 + Seconds(4));

        Assert.Equal(ArrivalResult.Evicted(0), cancel.Result);
        Assert.Empty(cancel.Completions);
    }

    [Fact]
    public void AdvanceTime_PastAnEvictLeaseAndABreakLease_EvictsOneAndBreaksNamingOnlyTheOther()
    {
        var machine = NewMachine(4);
        var evicted = ArrivalId.New();
        var lost = ArrivalId.New();
        var patient = ArrivalId.New();
        machine.Arrive(evicted, Leased("e", Seconds(1), ParticipantLossPolicy.Evict), T0);
        machine.Arrive(lost, Leased("l", Seconds(2)), T0);
        machine.Arrive(patient, Named("p"), T0);

        var transition = machine.AdvanceTime(T0 + Seconds(2));

        var results = transition.Completions.ToDictionary(x => x.Arrival, x => x.Result);
        Assert.Equal(3, results.Count);
        Assert.Equal(ArrivalResult.Evicted(0), results[evicted]);
        AssertLost(results[lost], 0, "l");
        AssertLost(results[patient], 0, "l");
        Assert.Equal(["l"], machine.LostParticipants);
    }

    [Fact]
    public void AdvanceTime_PastABreakLeaseThenAnEvictLease_StillEvictsTheSecond()
    {
        // Every lease that ran out by now is acted on, each by its own policy, before the break completes the rest.
        var machine = NewMachine(4);
        var lost = ArrivalId.New();
        var evicted = ArrivalId.New();
        machine.Arrive(lost, Leased("l", Seconds(1)), T0);
        machine.Arrive(evicted, Leased("e", Seconds(2), ParticipantLossPolicy.Evict), T0);

        var transition = machine.AdvanceTime(T0 + Seconds(2));

        var results = transition.Completions.ToDictionary(x => x.Arrival, x => x.Result);
        Assert.Equal(ArrivalResult.Evicted(0), results[evicted]);
        AssertLost(results[lost], 0, "l");
    }

    [Fact]
    public void Arrive_WhenABreakLeaseRanOutUnnoticed_BreaksInsteadOfCompletingTheParty()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease), T0);

        var late = machine.Arrive(ArrivalId.New(), Named("b"), T0 + Seconds(4));

        AssertLost(late.Result, 0, "a");
        AssertLost(Assert.Single(late.Completions, x => x.Arrival == a).Result, 0, "a");
        Assert.Equal(0, machine.Phase);
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void Arrive_WhenAnEvictLeaseRanOutUnnoticed_EvictsBeforeCountingTheNewArrival()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease, ParticipantLossPolicy.Evict), T0);

        var late = machine.Arrive(b, Named("b"), T0 + Seconds(4));

        Assert.Equal(ArrivalResult.Pending(0), late.Result);
        Assert.Equal(new ArrivalCompletion(a, ArrivalResult.Evicted(0)), Assert.Single(late.Completions));
        Assert.Equal([b], machine.WaitingArrivals);
        Assert.Equal(0, machine.Phase);
    }

    [Fact]
    public void Arrive_ReissuedAfterItsOwnLeaseRanOutUnnoticed_IsNotRenewedButLost()
    {
        // A renewal that comes too late does not revive the lease: the loss applies first.
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease), T0);

        var reissue = machine.Arrive(a, Leased("a", Lease), T0 + Lease);

        AssertLost(reissue.Result, 0, "a");
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Theory]
    [InlineData(ParticipantLossPolicy.Break)]
    [InlineData(ParticipantLossPolicy.Evict)]
    public void Cancel_WhenTheArrivalsLeaseRanOutUnnoticed_ReportsTheLoss(ParticipantLossPolicy policy)
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", Lease, policy), T0);

        var cancel = machine.Cancel(a, T0 + Seconds(4));

        if (policy == ParticipantLossPolicy.Evict)
        {
            Assert.Equal(ArrivalResult.Evicted(0), cancel.Result);
            Assert.Equal(BarrierState.Filling, machine.State);
        }
        else
        {
            AssertLost(cancel.Result, 0, "a");
            Assert.Equal(BarrierState.Broken, machine.State);
        }
    }

    [Fact]
    public void AdvanceTime_PastALeaseThenATimeout_BreaksWithParticipantLost()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), Leased("a", Seconds(1)), T0);
        machine.Arrive(ArrivalId.New(), Leased("b", null, timeout: Seconds(2)), T0);

        var transition = machine.AdvanceTime(T0 + Seconds(5));

        Assert.All(transition.Completions, x => AssertLost(x.Result, 0, "a"));
        Assert.Equal(BrokenBarrierReason.ParticipantLost, machine.BrokenReason);
    }

    [Fact]
    public void AdvanceTime_PastATimeoutThenALease_BreaksWithTimeout()
    {
        var machine = NewMachine(3);
        machine.Arrive(ArrivalId.New(), Leased("a", Seconds(2)), T0);
        machine.Arrive(ArrivalId.New(), Leased("b", null, timeout: Seconds(1)), T0);

        var transition = machine.AdvanceTime(T0 + Seconds(5));

        Assert.Equal(2, transition.Completions.Count);
        Assert.All(transition.Completions, x => Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), x.Result));
        Assert.Equal(BrokenBarrierReason.Timeout, machine.BrokenReason);
        Assert.Empty(machine.LostParticipants);
    }

    [Fact]
    public void AdvanceTime_PastAnEvictLeaseThenTheSameArrivalsTimeout_EvictsAndDoesNotBreak()
    {
        // Once evicted, its timeout no longer counts: the barrier is not broken on behalf of an arrival it dropped.
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        machine.Arrive(a, Leased("a", Seconds(1), ParticipantLossPolicy.Evict, timeout: Seconds(2)), T0);
        machine.Arrive(b, Named("b"), T0);

        var transition = machine.AdvanceTime(T0 + Seconds(5));

        Assert.Equal(new ArrivalCompletion(a, ArrivalResult.Evicted(0)), Assert.Single(transition.Completions));
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal([b], machine.WaitingArrivals);
    }

    [Fact]
    public void AdvanceTime_PastAnEvictLeaseThenAnotherArrivalsTimeout_EvictsThenBreaksWithTimeout()
    {
        var machine = NewMachine(3);
        var evicted = ArrivalId.New();
        var impatient = ArrivalId.New();
        machine.Arrive(evicted, Leased("e", Seconds(1), ParticipantLossPolicy.Evict), T0);
        machine.Arrive(impatient, Leased("i", null, timeout: Seconds(2)), T0);

        var transition = machine.AdvanceTime(T0 + Seconds(5));

        var results = transition.Completions.ToDictionary(x => x.Arrival, x => x.Result);
        Assert.Equal(ArrivalResult.Evicted(0), results[evicted]);
        Assert.Equal(ArrivalResult.Broken(BrokenBarrierReason.Timeout, 0), results[impatient]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AdvanceTime_WithNoLeaseOrAnInfiniteOne_NeverLosesTheArrival(bool infinite)
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        machine.Arrive(a, Leased("a", infinite ? Timeout.InfiniteTimeSpan : null), T0);

        var transition = machine.AdvanceTime(T0 + TimeSpan.FromDays(365));

        Assert.Null(machine.NextDeadline);
        Assert.Empty(transition.Completions);
        Assert.Equal([a], machine.WaitingArrivals);
    }

    [Fact]
    public void Arrive_ReleaseOfLeasedArrivals_ClearsTheirLeases()
    {
        var machine = NewMachine(2);
        machine.Arrive(ArrivalId.New(), Leased("a", Lease), T0);
        machine.Arrive(ArrivalId.New(), Leased("b", Lease), T0);

        var transition = machine.AdvanceTime(T0 + TimeSpan.FromMinutes(1));

        Assert.Empty(transition.Completions);
        Assert.Null(machine.NextDeadline);
        Assert.Equal(BarrierState.Filling, machine.State);
    }

    [Fact]
    public void Arrive_ManyRenewalsWhileAnEarlierTimeoutHoldsTheHead_NextDeadlineStaysRightAndTheScheduleStaysSmall()
    {
        // The timeout stays at the head of the schedule, so stale lease entries cannot drain from the front:
        // only compaction keeps the schedule proportional to the waiters.
        var machine = NewMachine(5);
        var holder = ArrivalId.New();
        machine.Arrive(holder, Leased("holder", null, timeout: TimeSpan.FromHours(1)), T0);
        var renewing = NewIds(3);
        for (var i = 0; i < renewing.Length; i++)
        {
            machine.Arrive(renewing[i], Leased($"r{i}", TimeSpan.FromDays(1)), T0);
        }

        var largest = 0;
        for (var round = 1; round <= 10_000; round++)
        {
            var now = T0 + TimeSpan.FromMilliseconds(round);
            Assert.Equal(ArrivalOutcomeKind.Pending, machine.Arrive(renewing[round % renewing.Length], Named("r"), now).Result.Kind);
            largest = Math.Max(largest, machine.ScheduledDeadlines);
        }

        Assert.Equal(4, machine.Waiting);
        Assert.Equal(T0 + TimeSpan.FromHours(1), machine.NextDeadline);
        Assert.InRange(largest, 4, (4 * machine.Waiting) + 64);

        // With the timeout gone the earliest lease takes the head: renewing[2], last renewed at 9,998 ms.
        machine.Cancel(holder, T0 + TimeSpan.FromSeconds(10));
        Assert.Equal(T0 + TimeSpan.FromMilliseconds(9_998) + TimeSpan.FromDays(1), machine.NextDeadline);
    }

    [Fact]
    public void Arrive_ManyRenewalsOfThreeWaiters_NextDeadlineIsAlwaysTheEarliestLease()
    {
        var machine = NewMachine(4);
        var leases = new[] { Seconds(3), Seconds(5), Seconds(7) };
        var ids = NewIds(3);
        var expiresAt = new DateTimeOffset[3];
        for (var i = 0; i < ids.Length; i++)
        {
            machine.Arrive(ids[i], Leased($"p{i}", leases[i]), T0);
            expiresAt[i] = T0 + leases[i];
        }

        for (var round = 1; round <= 10_000; round++)
        {
            var now = T0 + TimeSpan.FromMilliseconds(round);
            var i = round % 3;
            Assert.Equal(ArrivalOutcomeKind.Pending, machine.Arrive(ids[i], Named("p"), now).Result.Kind);
            expiresAt[i] = now + leases[i];
            Assert.Equal(expiresAt.Min(), machine.NextDeadline);
        }

        Assert.Equal(3, machine.Waiting);
        Assert.InRange(machine.ScheduledDeadlines, 3, (4 * 3) + 64);
    }
}

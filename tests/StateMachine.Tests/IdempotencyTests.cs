using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Re-issued arrivals, <c>mustBeKnown</c>, and how long final results are remembered.</summary>
public sealed class IdempotencyTests
{
    [Fact]
    public void Arrive_SameWaitingIdAgain_IsPendingAndNotCountedTwice()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);

        var again = machine.Arrive(a, null, T0 + TimeSpan.FromSeconds(1));

        Assert.Equal(ArrivalResult.Pending(0), again.Result);
        Assert.Empty(again.Completions);
        Assert.Equal(1, machine.Waiting);
        Assert.Equal([a], machine.WaitingArrivals);
    }

    [Fact]
    public void Arrive_SameWaitingIdManyTimes_PartyStillNeedsOtherArrivals()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        var c = ArrivalId.New();
        machine.Arrive(a, null, T0);
        machine.Arrive(a, null, T0);
        machine.Arrive(a, null, T0);
        machine.Arrive(b, null, T0);
        machine.Arrive(b, null, T0);

        var last = machine.Arrive(c, null, T0);

        Assert.Equal(ArrivalResult.Released(2, 1), last.Result);
        Assert.Equal([a, b, c], Completed(last));
        Assert.Equal([0, 1, 2], Indices(last));
    }

    [Fact]
    public void Arrive_SameWaitingIdWithMustBeKnown_IsPending()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);

        var again = machine.Arrive(a, null, T0, mustBeKnown: true);

        Assert.Equal(ArrivalResult.Pending(0), again.Result);
        Assert.Equal(1, machine.Waiting);
    }

    [Fact]
    public void Arrive_ReleasedIdAgain_ReturnsItsSameReleasedResult()
    {
        var machine = NewMachine(3);
        var ids = NewIds(3);
        var release = ArriveAll(machine, ids, T0);

        for (var i = 0; i < ids.Length; i++)
        {
            var again = machine.Arrive(ids[i], null, T0 + TimeSpan.FromSeconds(1));

            Assert.Equal(release.Completions[i].Result, again.Result);
            Assert.Equal(ArrivalResult.Released(i, 1), again.Result);
            Assert.Empty(again.Completions);
        }

        Assert.Equal(0, machine.Waiting);
        Assert.Equal(1, machine.Phase);
    }

    [Fact]
    public void Arrive_ReleasedIdAgainWithMustBeKnown_ReturnsItsSameReleasedResult()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        ArriveAll(machine, [a, ArrivalId.New()], T0);

        var again = machine.Arrive(a, null, T0, mustBeKnown: true);

        Assert.Equal(ArrivalResult.Released(0, 1), again.Result);
    }

    [Fact]
    public void Arrive_ReleasedIdAgainDuringALaterPhase_ReturnsItsOriginalPhaseAndDoesNotJoin()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        ArriveAll(machine, [a, ArrivalId.New()], T0);
        var c = ArrivalId.New();
        machine.Arrive(c, null, T0);

        var again = machine.Arrive(a, null, T0);

        Assert.Equal(ArrivalResult.Released(0, 1), again.Result);
        Assert.Equal([c], machine.WaitingArrivals);
    }

    [Fact]
    public void Arrive_ReleasedIdAgainAfterAbort_StillReturnsItsReleasedResult()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        ArriveAll(machine, [a, ArrivalId.New()], T0);
        machine.Abort(T0);

        var again = machine.Arrive(a, null, T0);

        Assert.Equal(ArrivalResult.Released(0, 1), again.Result);
    }

    [Fact]
    public void Arrive_UnknownIdWithMustBeKnown_ReturnsUnknownAndChangesNothing()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);
        var before = machine.GetStatus();

        var transition = machine.Arrive(ArrivalId.New(), TimeSpan.FromSeconds(5), T0, mustBeKnown: true);

        Assert.Equal(ArrivalResult.Unknown(0), transition.Result);
        Assert.True(transition.Result.IsFinal);
        Assert.Empty(transition.Completions);
        Assert.Equal(before, machine.GetStatus());
        Assert.Equal([a], machine.WaitingArrivals);
        Assert.Null(machine.NextDeadline);
        Assert.Equal(0, machine.RememberedResults);
    }

    [Fact]
    public void Arrive_UnknownIdWithMustBeKnown_DoesNotCountTowardTheParty()
    {
        var machine = NewMachine(2);
        var a = ArrivalId.New();
        var b = ArrivalId.New();
        machine.Arrive(a, null, T0);

        machine.Arrive(ArrivalId.New(), null, T0, mustBeKnown: true);

        Assert.Equal(1, machine.Waiting);
        var last = machine.Arrive(b, null, T0);
        Assert.Equal([a, b], Completed(last));
    }

    [Fact]
    public void Arrive_UnknownIdWithMustBeKnown_ReportsTheCurrentPhase()
    {
        var machine = NewMachine(1);
        machine.Arrive(ArrivalId.New(), null, T0);
        machine.Arrive(ArrivalId.New(), null, T0);

        var transition = machine.Arrive(ArrivalId.New(), null, T0, mustBeKnown: true);

        Assert.Equal(ArrivalResult.Unknown(2), transition.Result);
    }

    [Fact]
    public void Arrive_UnknownIdWithMustBeKnownOnBrokenBarrier_ReturnsUnknownAndRemembersNothing()
    {
        var machine = NewMachine(2);
        machine.Abort(T0);

        var transition = machine.Arrive(ArrivalId.New(), null, T0, mustBeKnown: true);

        Assert.Equal(ArrivalResult.Unknown(0), transition.Result);
        Assert.Equal(0, machine.RememberedResults);
        Assert.Equal(BarrierState.Broken, machine.State);
    }

    [Fact]
    public void RememberedResults_CountsEveryReleasedArrival()
    {
        var machine = NewMachine(3);

        ArriveAll(machine, NewIds(3), T0);
        Assert.Equal(3, machine.RememberedResults);

        ArriveAll(machine, NewIds(3), T0);
        Assert.Equal(6, machine.RememberedResults);
    }

    [Fact]
    public void RememberedResults_BeyondTheCap_ForgetsTheOldestButKeepsTheLatestRelease()
    {
        var machine = NewMachine(2, retention: TimeSpan.FromHours(1));
        var first = NewIds(2);
        ArriveAll(machine, first, T0);
        var later = NewIds(BarrierStateMachine.MinRemembered);
        ArriveAll(machine, later, T0);

        Assert.Equal(BarrierStateMachine.MinRemembered, machine.RememberedResults);
        var latest = machine.Arrive(later[^1], null, T0, mustBeKnown: true).Result;
        var oldest = machine.Arrive(first[0], null, T0, mustBeKnown: true).Result;
        Assert.Equal(ArrivalResult.Released(1, (BarrierStateMachine.MinRemembered / 2) + 1), latest);
        Assert.Equal(ArrivalOutcomeKind.Unknown, oldest.Kind);
    }

    [Fact]
    public void RememberedResults_DoesNotCountWaitingArrivals()
    {
        var machine = NewMachine(3);

        ArriveAll(machine, NewIds(2), T0);

        Assert.Equal(0, machine.RememberedResults);
    }

    [Fact]
    public void RememberedResults_CountsCancelledResetAbortedAndRejectedArrivals()
    {
        var machine = NewMachine(5);
        var cancelled = ArrivalId.New();
        machine.Arrive(cancelled, null, T0);
        machine.Cancel(cancelled, T0);
        ArriveAll(machine, NewIds(2), T0);
        machine.Reset(T0);
        ArriveAll(machine, NewIds(3), T0);
        machine.Abort(T0);

        machine.Arrive(ArrivalId.New(), null, T0);

        Assert.Equal(1 + 2 + 3 + 1, machine.RememberedResults);
    }

    [Fact]
    public void RememberedResults_ReIssuedArrivalIsNotRememberedTwice()
    {
        var machine = NewMachine(2);
        var ids = NewIds(2);
        ArriveAll(machine, ids, T0);

        machine.Arrive(ids[0], null, T0);
        machine.Cancel(ids[1], T0);

        Assert.Equal(2, machine.RememberedResults);
    }

    [Fact]
    public void RememberedResult_ExactlyAtTheEndOfRetention_IsStillRemembered()
    {
        var machine = NewMachine(2, retention: TimeSpan.FromMinutes(1));
        var a = ArrivalId.New();
        ArriveAll(machine, [a, ArrivalId.New()], T0);

        var again = machine.Arrive(a, null, T0 + TimeSpan.FromMinutes(1), mustBeKnown: true);

        Assert.Equal(ArrivalResult.Released(0, 1), again.Result);
        Assert.Equal(2, machine.RememberedResults);
    }

    [Fact]
    public void RememberedResult_AfterRetention_IsForgottenAndMustBeKnownReArrivalIsUnknown()
    {
        var machine = NewMachine(2, retention: TimeSpan.FromMinutes(1));
        var a = ArrivalId.New();
        ArriveAll(machine, [a, ArrivalId.New()], T0);

        var again = machine.Arrive(a, null, T0 + TimeSpan.FromMinutes(1) + TimeSpan.FromTicks(1), mustBeKnown: true);

        Assert.Equal(ArrivalResult.Unknown(1), again.Result);
        Assert.Equal(0, machine.RememberedResults);
        Assert.Equal(0, machine.Waiting);
    }

    [Fact]
    public void RememberedResult_AfterRetention_ReArrivalWithoutMustBeKnownCountsAsNewArrival()
    {
        var machine = NewMachine(2, retention: TimeSpan.FromMinutes(1));
        var a = ArrivalId.New();
        ArriveAll(machine, [a, ArrivalId.New()], T0);

        var again = machine.Arrive(a, null, T0 + TimeSpan.FromMinutes(2));

        Assert.Equal(ArrivalResult.Pending(1), again.Result);
        Assert.Equal([a], machine.WaitingArrivals);
    }

    [Fact]
    public void RememberedCancellation_AfterRetention_IsForgotten()
    {
        var machine = NewMachine(3, retention: TimeSpan.FromMinutes(1));
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);
        machine.Cancel(a, T0);

        var afterRetention = machine.Arrive(a, null, T0 + TimeSpan.FromMinutes(2), mustBeKnown: true);

        Assert.Equal(ArrivalResult.Unknown(0), afterRetention.Result);
        Assert.Equal(0, machine.RememberedResults);
    }

    [Theory]
    [InlineData(nameof(BarrierStateMachine.AdvanceTime))]
    [InlineData(nameof(BarrierStateMachine.Reset))]
    [InlineData(nameof(BarrierStateMachine.Abort))]
    public void RememberedResults_AfterRetention_ExpireOnAnyCall(string call)
    {
        var machine = NewMachine(2, retention: TimeSpan.FromMinutes(1));
        ArriveAll(machine, NewIds(2), T0);
        var afterRetention = T0 + TimeSpan.FromMinutes(2);

        _ = call switch
        {
            nameof(BarrierStateMachine.AdvanceTime) => machine.AdvanceTime(afterRetention),
            nameof(BarrierStateMachine.Reset) => machine.Reset(afterRetention),
            nameof(BarrierStateMachine.Abort) => machine.Abort(afterRetention),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
        };

        Assert.Equal(0, machine.RememberedResults);
    }

    [Fact]
    public void RememberedResults_EachExpiresRetentionAfterItsOwnCompletion()
    {
        var machine = NewMachine(2, retention: TimeSpan.FromMinutes(1));
        var early = NewIds(2);
        var late = NewIds(2);
        ArriveAll(machine, early, T0);
        ArriveAll(machine, late, T0 + TimeSpan.FromSeconds(30));

        machine.AdvanceTime(T0 + TimeSpan.FromSeconds(61));

        Assert.Equal(2, machine.RememberedResults);
        Assert.Equal(ArrivalResult.Unknown(2), machine.Arrive(early[0], null, T0 + TimeSpan.FromSeconds(61), mustBeKnown: true).Result);
        Assert.Equal(ArrivalResult.Released(0, 2), machine.Arrive(late[0], null, T0 + TimeSpan.FromSeconds(61), mustBeKnown: true).Result);

        machine.AdvanceTime(T0 + TimeSpan.FromSeconds(91));

        Assert.Equal(0, machine.RememberedResults);
    }

    [Fact]
    public void RememberedResult_RetentionCountsFromCompletionNotFromArrival()
    {
        var machine = NewMachine(2, retention: TimeSpan.FromMinutes(1));
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);
        machine.Arrive(ArrivalId.New(), null, T0 + TimeSpan.FromMinutes(5));

        var again = machine.Arrive(a, null, T0 + TimeSpan.FromMinutes(6), mustBeKnown: true);

        Assert.Equal(ArrivalResult.Released(0, 1), again.Result);
    }

    [Fact]
    public void RememberedResult_WithZeroRetention_IsKnownAtTheSameInstantAndForgottenRightAfter()
    {
        var machine = NewMachine(2, retention: TimeSpan.Zero);
        var a = ArrivalId.New();
        ArriveAll(machine, [a, ArrivalId.New()], T0);

        Assert.Equal(ArrivalResult.Released(0, 1), machine.Arrive(a, null, T0, mustBeKnown: true).Result);
        Assert.Equal(ArrivalResult.Unknown(1), machine.Arrive(a, null, T0 + TimeSpan.FromTicks(1), mustBeKnown: true).Result);
    }

    [Fact]
    public void WaitingArrival_IsNeverForgottenWhileItWaits()
    {
        var machine = NewMachine(2, retention: TimeSpan.FromMinutes(1));
        var a = ArrivalId.New();
        machine.Arrive(a, null, T0);

        var again = machine.Arrive(a, null, T0 + TimeSpan.FromHours(1), mustBeKnown: true);

        Assert.Equal(ArrivalResult.Pending(0), again.Result);
        Assert.Equal([a], machine.WaitingArrivals);
    }
}

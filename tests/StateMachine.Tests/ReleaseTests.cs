using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Filling → release → filling: indices, phases and the cyclic reuse of the barrier.</summary>
public sealed class ReleaseTests
{
    [Fact]
    public void Arrive_BeforePartyIsFull_IsPendingAndWaits()
    {
        var machine = NewMachine(3);
        var a = ArrivalId.New();

        var transition = machine.Arrive(a, null, T0);

        Assert.Equal(ArrivalResult.Pending(0), transition.Result);
        Assert.False(transition.Result.IsFinal);
        Assert.Empty(transition.Completions);
        Assert.Equal(1, machine.Waiting);
        Assert.Equal([a], machine.WaitingArrivals);
        Assert.Equal(BarrierState.Filling, machine.State);
        Assert.Equal(0, machine.Phase);
    }

    [Fact]
    public void Arrive_SeveralBeforePartyIsFull_WaitOldestFirst()
    {
        var machine = NewMachine(5);
        var ids = NewIds(4);

        foreach (var id in ids)
        {
            Assert.Equal(ArrivalResult.Pending(0), machine.Arrive(id, null, T0).Result);
        }

        Assert.Equal(4, machine.Waiting);
        Assert.Equal(ids, machine.WaitingArrivals);
    }

    [Fact]
    public void Arrive_CompletingArrival_GetsIndexPartiesMinusOneAndPhaseOne()
    {
        var machine = NewMachine(4);
        ArriveAll(machine, NewIds(3), T0);

        var last = machine.Arrive(ArrivalId.New(), null, T0);

        Assert.Equal(ArrivalResult.Released(3, 1), last.Result);
        Assert.True(last.Result.IsFinal);
    }

    [Fact]
    public void Arrive_CompletingArrival_CompletesEveryWaiterIncludingItselfInArrivalOrder()
    {
        var machine = NewMachine(4);
        var ids = NewIds(4);

        var last = ArriveAll(machine, ids, T0);

        Assert.Equal(ids, Completed(last));
        Assert.Equal([0, 1, 2, 3], Indices(last));
        Assert.All(last.Completions, c => Assert.Equal(ArrivalOutcomeKind.Released, c.Result.Kind));
        Assert.All(last.Completions, c => Assert.Equal(1, c.Result.Phase));
        Assert.All(last.Completions, c => Assert.Null(c.Result.Reason));
        Assert.Equal(last.Result, last.Completions[^1].Result);
    }

    [Fact]
    public void Release_ResetsWaitingToZeroAndStaysFilling()
    {
        var machine = NewMachine(3);

        ArriveAll(machine, NewIds(3), T0);

        Assert.Equal(0, machine.Waiting);
        Assert.Empty(machine.WaitingArrivals);
        Assert.Equal(BarrierState.Filling, machine.State);
    }

    [Fact]
    public void Release_IncrementsPhaseByOnePerRelease()
    {
        var machine = NewMachine(2);

        ArriveAll(machine, NewIds(2), T0);
        Assert.Equal(1, machine.Phase);

        ArriveAll(machine, NewIds(2), T0);
        Assert.Equal(2, machine.Phase);

        ArriveAll(machine, NewIds(2), T0);
        Assert.Equal(3, machine.Phase);
    }

    [Fact]
    public void Arrive_OneParty_ReleasesEachArrivalAloneWithIndexZero()
    {
        var machine = NewMachine(1);

        for (var phase = 1; phase <= 5; phase++)
        {
            var id = ArrivalId.New();

            var transition = machine.Arrive(id, null, T0);

            Assert.Equal(ArrivalResult.Released(0, phase), transition.Result);
            var completion = Assert.Single(transition.Completions);
            Assert.Equal(new ArrivalCompletion(id, ArrivalResult.Released(0, phase)), completion);
            Assert.Equal(0, machine.Waiting);
            Assert.Equal(phase, machine.Phase);
        }
    }

    [Fact]
    public void Arrive_AfterRelease_CountsTowardTheNextPhase()
    {
        var machine = NewMachine(2);
        ArriveAll(machine, NewIds(2), T0);
        var c = ArrivalId.New();
        var d = ArrivalId.New();

        var third = machine.Arrive(c, null, T0);

        Assert.Equal(ArrivalResult.Pending(1), third.Result);
        Assert.Empty(third.Completions);
        Assert.Equal(1, machine.Waiting);

        var fourth = machine.Arrive(d, null, T0);

        Assert.Equal(ArrivalResult.Released(1, 2), fourth.Result);
        Assert.Equal([c, d], Completed(fourth));
        Assert.Equal([0, 1], Indices(fourth));
        Assert.All(fourth.Completions, x => Assert.Equal(2, x.Result.Phase));
    }

    [Fact]
    public void Arrive_HundredConsecutivePhases_IndicesArePermutationInArrivalOrderEachTime()
    {
        const int parties = 5;
        var machine = NewMachine(parties);

        for (var phase = 1; phase <= 100; phase++)
        {
            var ids = NewIds(parties);

            var last = ArriveAll(machine, ids, T0);

            Assert.Equal(ArrivalResult.Released(parties - 1, phase), last.Result);
            Assert.Equal(ids, Completed(last));
            Assert.Equal(Enumerable.Range(0, parties), Indices(last));
            Assert.All(last.Completions, c => Assert.Equal(phase, c.Result.Phase));
            Assert.Equal(phase, machine.Phase);
            Assert.Equal(0, machine.Waiting);
        }
    }

    [Fact]
    public void Arrive_HundredPhasesWithInterleavedStragglers_EveryArrivalReleasedExactlyOnce()
    {
        // Arrivals stream in without pauses: each release is triggered by whichever arrival completes the
        // party, and the next arrival already belongs to the following phase.
        const int parties = 3;
        var machine = NewMachine(parties);
        var ids = NewIds(parties * 100);
        var released = new Dictionary<ArrivalId, ArrivalResult>();

        foreach (var id in ids)
        {
            foreach (var completion in machine.Arrive(id, null, T0).Completions)
            {
                released.Add(completion.Arrival, completion.Result);
            }
        }

        Assert.Equal(100, machine.Phase);
        Assert.Equal(ids.Length, released.Count);
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.Equal(ArrivalResult.Released(i % parties, (i / parties) + 1), released[ids[i]]);
        }
    }

    [Fact]
    public void Arrive_ThousandParties_ReleasesAllAtOnceWithIndicesAPermutationOfZeroTo999()
    {
        const int parties = 1000;
        var machine = NewMachine(parties);
        var ids = NewIds(parties);

        for (var i = 0; i < parties - 1; i++)
        {
            Assert.Equal(ArrivalResult.Pending(0), machine.Arrive(ids[i], null, T0).Result);
        }

        Assert.Equal(parties - 1, machine.Waiting);

        var last = machine.Arrive(ids[^1], null, T0);

        Assert.Equal(ArrivalResult.Released(parties - 1, 1), last.Result);
        Assert.Equal(parties, last.Completions.Count);
        Assert.Equal(ids, Completed(last));
        Assert.Equal(Enumerable.Range(0, parties), Indices(last).Order());
        Assert.Equal(Enumerable.Range(0, parties), Indices(last));
        Assert.Equal(1, machine.Phase);
        Assert.Equal(0, machine.Waiting);
        Assert.Equal(parties, machine.RememberedResults);
    }

    [Fact]
    public void Release_DoesNotChangeResultsOfEarlierPhases()
    {
        var machine = NewMachine(2);
        var first = NewIds(2);
        ArriveAll(machine, first, T0);

        ArriveAll(machine, NewIds(2), T0);

        Assert.Equal(ArrivalResult.Released(0, 1), machine.Arrive(first[0], null, T0).Result);
        Assert.Equal(ArrivalResult.Released(1, 1), machine.Arrive(first[1], null, T0).Result);
    }
}

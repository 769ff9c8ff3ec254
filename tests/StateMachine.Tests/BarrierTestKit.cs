namespace Orleans.Barrier.Tests;

/// <summary>Shared fixtures for the state machine tests: a fixed start time, machines and arrival ids.</summary>
internal static class BarrierTestKit
{
    /// <summary>The moment every test starts at; later moments are written as <c>T0 + offset</c>.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>How long final results are remembered unless a test says otherwise.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(1);

    public static BarrierStateMachine NewMachine(int parties, TimeSpan? retention = null, string name = "b")
        => new(name, parties, retention ?? Retention);

    public static ArrivalId[] NewIds(int count) => [.. Enumerable.Range(0, count).Select(_ => ArrivalId.New())];

    /// <summary>Arrives every id in order at <paramref name="now"/> and returns the last transition.</summary>
    public static BarrierTransition ArriveAll(BarrierStateMachine machine, IEnumerable<ArrivalId> arrivals, DateTimeOffset now, TimeSpan? timeout = null)
    {
        var last = default(BarrierTransition);
        foreach (var arrival in arrivals)
        {
            last = machine.Arrive(arrival, timeout, now);
        }

        return last;
    }

    /// <summary>The index each completion was released with, in completion order.</summary>
    public static int[] Indices(BarrierTransition transition) => [.. transition.Completions.Select(c => c.Result.Index)];

    /// <summary>The arrivals a transition completed, in completion order.</summary>
    public static ArrivalId[] Completed(BarrierTransition transition) => [.. transition.Completions.Select(c => c.Arrival)];

    /// <summary>Terms for a named arrival with a lease and no timeout.</summary>
    public static ArrivalTerms Leased(string participant, TimeSpan? lease, ParticipantLossPolicy onLost = ParticipantLossPolicy.Break, TimeSpan? timeout = null)
        => new(participant, timeout, lease, onLost);

    /// <summary>Terms for a named arrival with no lease and no timeout.</summary>
    public static ArrivalTerms Named(string participant) => new(participant);

    /// <summary>
    /// Asserts a result is broken because leases ran out, naming exactly <paramref name="lost"/> (in any order, each once).
    /// The record's own equality compares the list by reference, hence this.
    /// </summary>
    public static void AssertLost(ArrivalResult result, long phase, params string[] lost)
    {
        Assert.Equal(ArrivalOutcomeKind.Broken, result.Kind);
        Assert.Equal(BrokenBarrierReason.ParticipantLost, result.Reason);
        Assert.Equal(phase, result.Phase);
        Assert.Equal(-1, result.Index);
        Assert.NotNull(result.Lost);
        Assert.Equal(lost.Order(StringComparer.Ordinal), result.Lost.Order(StringComparer.Ordinal));
    }
}

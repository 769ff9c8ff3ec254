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
}

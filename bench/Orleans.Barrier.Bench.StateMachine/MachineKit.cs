namespace Orleans.Barrier.Bench.StateMachine;

/// <summary>
/// What the benchmarks feed the state machine, made before measuring: arrival ids and terms shaped like the grain's
/// (a client participant name, a one-minute lease as <c>BarrierHostOptions.DefaultLeaseDuration</c> gives), and a
/// clock the benchmark moves itself.
/// </summary>
public static class MachineKit
{
    /// <summary>The lease every arrival carries, as with the host's default.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    /// <summary>Where every benchmark's clock starts.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal static ArrivalId[] Ids(int count) => [.. Enumerable.Range(0, count).Select(_ => ArrivalId.New())];

    internal static ArrivalTerms[] Terms(int count)
        => [.. Enumerable.Range(0, count).Select(i => new ArrivalTerms($"sys.client/bench-{i:D6}", Timeout: null, Lease, ParticipantLossPolicy.Break, $"sys.client/bench-{i:D6}"))];
}

namespace Orleans.Barrier.Bench.Reporting;

/// <summary>The process's CPU time with waiters parked and nothing else happening, scaled to a minute.</summary>
/// <param name="Scenario">Our barrier.</param>
/// <param name="Topology">Its topology.</param>
/// <param name="Waiters">Waiters parked.</param>
/// <param name="WindowSeconds">The length of each measured window.</param>
/// <param name="PollIntervalSeconds">How often each waiter re-issues its poll.</param>
/// <param name="ExpectedRepolls">Re-issued polls the window should contain: arrivals on the wire (waiters, or fewer when coalesced) × window / poll interval.</param>
/// <param name="BaselineCpuSecondsPerMinute">The same process with no waiters: silo and client housekeeping.</param>
/// <param name="CpuSecondsPerMinute">With the waiters parked.</param>
/// <param name="ExtraCpuSecondsPerMinute">The difference: what the idle waiters cost.</param>
internal sealed record IdleCpuRow(
    string Scenario,
    BarrierTopology? Topology,
    int Waiters,
    double WindowSeconds,
    double PollIntervalSeconds,
    double ExpectedRepolls,
    double BaselineCpuSecondsPerMinute,
    double CpuSecondsPerMinute,
    double ExtraCpuSecondsPerMinute);

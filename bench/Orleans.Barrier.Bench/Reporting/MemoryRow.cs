namespace Orleans.Barrier.Bench.Reporting;

/// <summary>Heap per parked waiter: client and silo share this process's heap, so both sides count.</summary>
/// <param name="Scenario">Our barrier, or the naive barrier (a held grain call and nothing more).</param>
/// <param name="Topology">Our barrier's topology; null for the naive barrier.</param>
/// <param name="Waiters">Waiters parked.</param>
/// <param name="HeapBeforeBytes">Settled heap before the waiters arrived (barrier grain already active).</param>
/// <param name="HeapAfterBytes">Settled heap with every waiter parked.</param>
/// <param name="BytesPerWaiter">(after - before) / waiters: client handle, both sides' messaging and the grain's state.</param>
/// <param name="BeyondHeldCallBytesPerWaiter">Ours minus the naive barrier's: what the barrier adds to a held grain call.</param>
internal sealed record MemoryRow(
    string Scenario,
    BarrierTopology? Topology,
    int Waiters,
    long HeapBeforeBytes,
    long HeapAfterBytes,
    double BytesPerWaiter,
    double? BeyondHeldCallBytesPerWaiter);

namespace Orleans.Barrier;

/// <summary>The state of a barrier, as in Python's <c>asyncio.Barrier</c>.</summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.BarrierState")]
public enum BarrierState
{
    /// <summary>Arrivals are being collected for the current phase.</summary>
    Filling,

    /// <summary>
    /// A full party is being released. The grain releases every waiter in one turn, so this state is never
    /// observed from outside; it exists for parity with <c>asyncio.Barrier</c>.
    /// </summary>
    Draining,

    /// <summary>
    /// Waiters are being failed by a reset. Like <see cref="Draining"/>, this lasts a single grain turn and is
    /// never observed from outside.
    /// </summary>
    Resetting,

    /// <summary>The barrier was aborted or timed out; every wait fails until it is reset.</summary>
    Broken,
}

namespace Orleans.Barrier;

/// <summary>How a participant wants to use a barrier. Passed to <see cref="BarrierGrainFactoryExtensions.GetBarrier(IGrainFactory, string, BarrierOptions)"/>.</summary>
public sealed record BarrierOptions
{
    /// <summary>The number of arrivals that releases the barrier. Must be at least 1.</summary>
    public required int Parties { get; init; }

    /// <summary>
    /// If set, <see cref="IDistributedBarrier.WaitAsync(CancellationToken)"/> behaves as
    /// <see cref="IDistributedBarrier.WaitAsync(TimeSpan, CancellationToken)"/> with this timeout.
    /// </summary>
    public TimeSpan? DefaultTimeout { get; init; }
}

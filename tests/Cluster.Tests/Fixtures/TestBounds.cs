namespace Orleans.Barrier.Tests;

/// <summary>Every await in a test is bounded, so a defect fails the test instead of hanging CI.</summary>
internal static class TestBounds
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(30);

    public static Task<T> Bounded<T>(this Task<T> task) => task.WaitAsync(Default);

    public static Task Bounded(this Task task) => task.WaitAsync(Default);

    /// <summary>Unique per test, so tests sharing a cluster never share a barrier.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Waits, bounded, until the barrier reports <paramref name="waiting"/> arrivals.</summary>
    public static Task<BarrierStatus> WaitForWaitingAsync(this IDistributedBarrier barrier, int waiting)
        => barrier.WaitForWaitingAsync(waiting, Default);
}

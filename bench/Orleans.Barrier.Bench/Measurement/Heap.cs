namespace Orleans.Barrier.Bench.Measurement;

/// <summary>The managed heap of this process, which holds the silos' and the client's objects alike.</summary>
internal static class Heap
{
    /// <summary>Bytes live after full, compacting, blocking collections with finalizers run in between.</summary>
    public static long Settled()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }
}

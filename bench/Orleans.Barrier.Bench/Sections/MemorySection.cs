using Orleans.Barrier.Bench.Grains;
using Orleans.Barrier.Bench.Measurement;
using Orleans.Barrier.Bench.Reporting;
using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench.Sections;

/// <summary>
/// Memory per waiting participant: M client waiters parked on a barrier of M + 1 parties that never fills, the
/// settled heap before and after, divided by M. The silo and the client share this process's heap, so the figure
/// holds both sides: the client's handle, task and pending call, both ends' messages, and the grain's state. The
/// naive barrier parked the same way costs a held grain call and nothing more; ours minus that is what the
/// barrier itself adds per waiter.
/// </summary>
internal static class MemorySection
{
    public static async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var waiters = context.Settings.MemoryWaiters;
        var table = new TextTable(1, "waiters parked on", "waiters", "heap before", "heap after", "per waiter", "beyond a held call");

        context.Progress.Report($"memory: {waiters} waiters parked on the naive barrier (a held call)");
        var heldCall = await MeasureNaiveAsync(context, waiters, cancellationToken);
        context.Report.Memory.Add(heldCall);
        AddRow(table, heldCall);

        foreach (var ours in context.Ours)
        {
            context.Progress.Report($"memory: {waiters} waiters parked on {ours.Label}");
            var row = await MeasureOursAsync(context, ours, waiters, cancellationToken);
            row = row with { BeyondHeldCallBytesPerWaiter = row.BytesPerWaiter - heldCall.BytesPerWaiter };
            context.Report.Memory.Add(row);
            AddRow(table, row);
        }

        context.Output.WriteLine(
            "Memory per waiting participant: settled managed heap of the whole process (silo and client share it) before and after "
            + "parking the waiters, divided by their number. Client waiters.");
        context.Output.WriteLine(table);
        context.Report.Notes.Add(
            "memory: bytesPerWaiter is the whole process's settled heap delta per parked client waiter: the silo's share (grain state, "
            + "held request) and the client's (handle, task, pending call) together, since they share one heap; "
            + "beyondHeldCallBytesPerWaiter subtracts the naive barrier's figure, i.e. a held call with no barrier state.");
    }

    private static async Task<MemoryRow> MeasureOursAsync(BenchContext context, Scenario ours, int waiters, CancellationToken cancellationToken)
    {
        var name = $"memory-{ours.KeyFor(waiters)}-{Guid.NewGuid():N}";
        var options = ours.OptionsFor(waiters + 1);
        var observer = context.Client.GetBarrier(name, options);
        await observer.GetStatusAsync(cancellationToken);

        var before = Heap.Settled();
        var waits = new Task<int>[waiters];
        for (var i = 0; i < waits.Length; i++)
        {
            // A handle each, as separate participants would have.
            waits[i] = context.Client.GetBarrier(name, options).WaitAsync(CancellationToken.None);
        }

        await BenchContext.WaitUntilAsync(async () => (await observer.GetStatusAsync(cancellationToken)).Waiting, waiters, $"waiters parked on {name}", cancellationToken);
        var after = Heap.Settled();

        await observer.AbortAsync(cancellationToken);
        await ExpectAbortedAsync(waits);
        return new MemoryRow(ours.Label, ours.Topology, waiters, before, after, (double)(after - before) / waiters, null);
    }

    private static async Task<MemoryRow> MeasureNaiveAsync(BenchContext context, int waiters, CancellationToken cancellationToken)
    {
        var key = $"memory-naive-{Guid.NewGuid():N}";
        var observer = context.Client.GetGrain<INaiveBarrierGrain>(key);
        await observer.GetWaitingAsync();

        var before = Heap.Settled();
        var waits = new Task<int>[waiters];
        for (var i = 0; i < waits.Length; i++)
        {
            waits[i] = context.Client.GetGrain<INaiveBarrierGrain>(key).ArriveAsync(waiters + 1);
        }

        await BenchContext.WaitUntilAsync(observer.GetWaitingAsync, waiters, $"waiters parked on naive barrier {key}", cancellationToken);
        var after = Heap.Settled();

        await observer.ReleaseAllAsync();
        await Task.WhenAll(waits);
        return new MemoryRow("naive barrier", null, waiters, before, after, (double)(after - before) / waiters, null);
    }

    private static async Task ExpectAbortedAsync(Task<int>[] waits)
    {
        try
        {
            await Task.WhenAll(waits);
        }
        catch (BrokenBarrierException)
        {
        }

        var unexpected = waits.FirstOrDefault(w => w.IsCompletedSuccessfully || w.Exception?.InnerException is not BrokenBarrierException { Reason: BrokenBarrierReason.Aborted });
        if (unexpected is not null)
        {
            throw new BenchFailureException(
                $"a parked waiter ended {(unexpected.IsCompletedSuccessfully ? "released" : unexpected.Exception?.InnerException?.Message)} instead of aborted");
        }
    }

    private static void AddRow(TextTable table, MemoryRow row) => table.Add(
        row.Scenario,
        Figures.Count(row.Waiters),
        Figures.Bytes(row.HeapBeforeBytes),
        Figures.Bytes(row.HeapAfterBytes),
        Figures.Bytes(row.BytesPerWaiter),
        row.BeyondHeldCallBytesPerWaiter is { } beyond ? Figures.Bytes(beyond) : "-");
}

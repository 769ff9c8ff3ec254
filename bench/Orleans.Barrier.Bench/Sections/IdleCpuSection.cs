using Orleans.Barrier.Bench.Measurement;
using Orleans.Barrier.Bench.Reporting;

namespace Orleans.Barrier.Bench.Sections;

/// <summary>
/// CPU of idle waiters: the process's CPU time over a window with nothing happening, then over the same window
/// with M client waiters parked on a barrier that never fills; the difference, per minute, is what idle waiting
/// costs. Each waiter's poll is re-issued every poll interval (and renews its lease then), so a window shorter than
/// that interval may hold no re-issue at all.
/// </summary>
internal static class IdleCpuSection
{
    public static async Task RunAsync(BenchContext context, CancellationToken cancellationToken)
    {
        var waiters = context.Settings.IdleWaiters;
        var window = context.Settings.IdleWindow;
        var poll = context.PollInterval;
        var table = new TextTable(1, "idle waiters on", "waiters", "window s", "poll s", "re-polls expected", "CPU s/min, none", "CPU s/min, parked", "extra CPU s/min");

        foreach (var ours in context.Ours)
        {
            context.Progress.Report($"idle CPU: {window.TotalSeconds:F0}s with no waiters");
            Heap.Settled();
            var baseline = await CpuOverAsync(window, cancellationToken);

            context.Progress.Report($"idle CPU: parking {waiters} waiters on {ours.Label}, then {window.TotalSeconds:F0}s idle");
            var name = $"idle-{ours.Topology}-{Guid.NewGuid():N}";
            var options = ours.OptionsFor(waiters + 1);
            var observer = context.Client.GetBarrier(name, options);
            var waits = new Task<int>[waiters];
            for (var i = 0; i < waits.Length; i++)
            {
                waits[i] = context.Client.GetBarrier(name, options).WaitAsync(CancellationToken.None);
            }

            await BenchContext.WaitUntilAsync(async () => (await observer.GetStatusAsync(cancellationToken)).Waiting, waiters, $"waiters parked on {name}", cancellationToken);

            // What re-polls: one poll loop per arrival on the wire, so coalesced waiters re-poll as a few arrivals.
            var arrivals = (await observer.GetStatusAsync(cancellationToken)).Arrivals;
            Heap.Settled();
            var parked = await CpuOverAsync(window, cancellationToken);
            await observer.AbortAsync(cancellationToken);
            await Task.WhenAll(waits.Select(async w =>
            {
                try
                {
                    await w;
                }
                catch (BrokenBarrierException)
                {
                }
            }));

            var perMinute = TimeSpan.FromMinutes(1) / window;
            var row = new IdleCpuRow(
                ours.Label,
                ours.Topology,
                waiters,
                window.TotalSeconds,
                poll.TotalSeconds,
                arrivals * (window / poll),
                baseline.TotalSeconds * perMinute,
                parked.TotalSeconds * perMinute,
                (parked - baseline).TotalSeconds * perMinute);
            context.Report.IdleCpu.Add(row);
            table.Add(
                row.Scenario,
                Figures.Count(waiters),
                Figures.Decimal(row.WindowSeconds),
                Figures.Decimal(row.PollIntervalSeconds),
                Figures.Count(row.ExpectedRepolls),
                Figures.Decimal(row.BaselineCpuSecondsPerMinute, 3),
                Figures.Decimal(row.CpuSecondsPerMinute, 3),
                Figures.Decimal(row.ExtraCpuSecondsPerMinute, 3));
        }

        context.Output.WriteLine(
            $"CPU of idle waiters: the whole process's CPU time over a {window.TotalSeconds:F0}s window, scaled to a minute; polls re-issue every "
            + $"{poll.TotalSeconds:F0}s (min of the client's response timeout / 2, the host's max poll, lease / 3).");
        if (window < poll)
        {
            context.Output.WriteLine("  The window is shorter than the poll interval: it may hold no re-issued poll, so this shows little more than timers.");
            context.Report.Notes.Add($"idleCpu: the {window.TotalSeconds:F0}s window is shorter than the {poll.TotalSeconds:F0}s poll interval; it may contain no re-issued poll.");
        }

        context.Output.WriteLine(table);
    }

    private static async Task<TimeSpan> CpuOverAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var before = Environment.CpuUsage.TotalTime;
        await Task.Delay(window, cancellationToken);
        return Environment.CpuUsage.TotalTime - before;
    }
}

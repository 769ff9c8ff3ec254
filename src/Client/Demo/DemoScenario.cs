using System.Globalization;
using Orleans.Barrier.Client.Commands;

namespace Orleans.Barrier.Client.Demo;

/// <summary>
/// The demo's three acts on one barrier of five parties: a release with early and late arrivals, a second cycle
/// that shows the barrier is reusable, and an abort that breaks every waiter, in the silos and in the client.
/// </summary>
internal sealed class DemoScenario(IClusterClient client, string barrierName, IReadOnlyList<DemoParticipant> workers, TextWriter output)
{
    private const int Parties = 5;

    // Long enough for the timeline to show "early" and "late" plainly, short enough for the demo to stay quick.
    private static readonly TimeSpan LateArrival = TimeSpan.FromSeconds(1.0);
    private static readonly TimeSpan WaitersArriveWithin = TimeSpan.FromSeconds(10);

    private readonly DemoParticipant _client = DemoParticipant.InThisProcess("client");
    private readonly IDistributedBarrier _barrier = client.GetBarrier(barrierName, Parties);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await ReleaseAsync(cancellationToken);
        await ReuseAsync(cancellationToken);
        await AbortAsync(cancellationToken);
    }

    /// <summary>Act 1: three parties arrive early and wait; the two late ones complete the barrier and all five go.</summary>
    private async Task ReleaseAsync(CancellationToken cancellationToken)
    {
        await output.WriteLineAsync($"Act 1: barrier '{barrierName}', {Parties} parties; three arrive early and wait, two arrive late.");
        var plan = new (DemoParticipant, TimeSpan)[]
        {
            (workers[0], TimeSpan.Zero),
            (workers[1], TimeSpan.FromSeconds(0.1)),
            (_client, TimeSpan.FromSeconds(0.2)),
            (workers[2], LateArrival),
            (workers[3], LateArrival + TimeSpan.FromSeconds(0.4)),
        };
        await RunCycleAsync(plan, cancellationToken);
        await WriteStatusAsync("after act 1", cancellationToken);
    }

    /// <summary>Act 2: the same barrier again, in a different arrival order; the phase goes from 1 to 2.</summary>
    private async Task ReuseAsync(CancellationToken cancellationToken)
    {
        var before = await _barrier.GetStatusAsync(cancellationToken);
        await output.WriteLineAsync();
        await output.WriteLineAsync("Act 2: the same barrier again (it is cyclic), arrivals in reverse order.");
        var plan = new (DemoParticipant, TimeSpan)[]
        {
            (workers[3], TimeSpan.Zero),
            (workers[2], TimeSpan.FromSeconds(0.15)),
            (_client, TimeSpan.FromSeconds(0.3)),
            (workers[1], TimeSpan.FromSeconds(0.45)),
            (workers[0], TimeSpan.FromSeconds(0.6)),
        };
        await RunCycleAsync(plan, cancellationToken);
        var after = await _barrier.GetStatusAsync(cancellationToken);
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"  status: phase {before.Phase} -> {after.Phase}; {BarrierStatusText.Format(after)}"));
    }

    /// <summary>Act 3: four of five parties wait, the demo aborts, and every waiter gets BrokenBarrierException(Aborted).</summary>
    private async Task AbortAsync(CancellationToken cancellationToken)
    {
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Act 3: four of {Parties} parties wait; then the demo aborts the barrier.");
        var timeline = new Timeline(DateTimeOffset.UtcNow);
        var waiters = new[] { workers[0], workers[1], workers[2], _client };
        var waits = waiters.Select(participant => WaitExpectingBreakAsync(participant, timeline, cancellationToken)).ToList();

        // Abort only once all four are really waiting, so the act shows a break, not a race.
        var waiting = await WaitForWaitersAsync(waiters.Length, cancellationToken);
        timeline.Add("demo", $"GetStatusAsync: {BarrierStatusText.Format(waiting)}");
        timeline.Add("demo", "AbortAsync()");
        await _barrier.AbortAsync(cancellationToken);

        await Task.WhenAll(waits);
        await timeline.WriteToAsync(output);
        await WriteStatusAsync("after the abort", cancellationToken);

        try
        {
            await _barrier.WaitAsync(cancellationToken);
            throw new InvalidOperationException("A wait on an aborted barrier was released; the barrier did not stay broken.");
        }
        catch (BrokenBarrierException exception)
        {
            await output.WriteLineAsync($"  a new arrival fails at once: BrokenBarrierException, Reason = {exception.Reason}");
        }

        await _barrier.ResetAsync(cancellationToken);
        await WriteStatusAsync("after ResetAsync", cancellationToken);
    }

    private async Task RunCycleAsync(IReadOnlyList<(DemoParticipant Participant, TimeSpan Delay)> plan, CancellationToken cancellationToken)
    {
        var timeline = new Timeline(DateTimeOffset.UtcNow);
        var reports = await Task.WhenAll(plan.Select(step =>
            step.Participant.ArriveAsync(client, barrierName, Parties, step.Delay, cancellationToken)));

        foreach (var ((participant, _), report) in plan.Zip(reports))
        {
            var arrival = report.Index == Parties - 1
                ? $"arrives as party {Parties} of {Parties}: the barrier trips"
                : "arrives and waits";
            timeline.Add(report.ArrivedAt, participant.Label, arrival);
            timeline.Add(report.ReleasedAt, participant.Label, $"released with index {report.Index}");
        }

        await timeline.WriteToAsync(output);
    }

    private async Task WaitExpectingBreakAsync(DemoParticipant participant, Timeline timeline, CancellationToken cancellationToken)
    {
        timeline.Add(participant.Label, "starts waiting");
        try
        {
            var report = await participant.ArriveAsync(client, barrierName, Parties, TimeSpan.Zero, cancellationToken);
            timeline.Add(participant.Label, $"released with index {report.Index} (unexpected: the barrier should have broken)");
        }
        catch (BrokenBarrierException exception)
        {
            var origin = participant.Worker is null ? "in the client" : $"in the grain on {participant.Location}, received by the client";
            timeline.Add(participant.Label, $"BrokenBarrierException, Reason = {exception.Reason} (thrown {origin})");
        }
    }

    private async Task<BarrierStatus> WaitForWaitersAsync(int count, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(WaitersArriveWithin);
        try
        {
            while (true)
            {
                var status = await _barrier.GetStatusAsync(deadline.Token);
                if (status.Waiting >= count)
                {
                    return status;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(20), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The {count} demo waiters did not all arrive within {WaitersArriveWithin.TotalSeconds:0}s.");
        }
    }

    private async Task WriteStatusAsync(string when, CancellationToken cancellationToken)
    {
        var status = await _barrier.GetStatusAsync(cancellationToken);
        await output.WriteLineAsync($"  status {when}: {BarrierStatusText.Format(status)}");
    }
}

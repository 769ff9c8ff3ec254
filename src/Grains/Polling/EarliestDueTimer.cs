using System.Diagnostics;
using Orleans.Runtime;

namespace Orleans.Barrier;

/// <summary>
/// The one grain timer a barrier grain or shard keeps, armed for the earliest moment something of it falls due (a
/// deadline, a held poll's expiry). One-shot: the callback calls <see cref="Fired"/> and arms it again from what is
/// due next. Arming for a later moment than it is already armed for is skipped: lease renewals push deadlines later
/// on almost every poll, and an early tick that finds nothing due simply re-arms.
/// </summary>
/// <remarks>
/// On the system clock this is an Orleans grain timer. On any other clock (<see cref="BarrierClock"/>, a test's) it is
/// that clock's own timer, because grain timers tick on real time: a driven clock fires it when it is moved past the
/// due moment. Its tick then runs the callback on the activation's scheduler, as a grain timer's tick does, so the
/// callback never touches the grain's state from another thread.
/// </remarks>
[DebuggerDisplay("armed for {_armedFor}")]
internal sealed class EarliestDueTimer(IGrainBase grain, Func<CancellationToken, Task> onDue, TimeProvider time)
{
    // Timers cannot be set weeks ahead; an early tick finds nothing due and re-arms from there.
    private static readonly TimeSpan MaxDue = TimeSpan.FromDays(1);

    private IGrainTimer? _timer;
    private DateTimeOffset? _armedFor;

    // Only on a clock other than the system's: its timer, the activation's scheduler it ticks onto, and whether the
    // activation has gone (a tick already on its way must then not run).
    private ITimer? _clockTimer;
    private TaskScheduler? _scheduler;
    private volatile bool _stopped;

    /// <summary>Arms the timer for <paramref name="next"/> unless it is already armed for that moment or earlier; null arms nothing.</summary>
    public void ArmFor(DateTimeOffset? next)
    {
        if (next is null || (_armedFor is { } armed && armed <= next))
        {
            return;
        }

        _armedFor = next;
        var due = next.Value - time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : due < MaxDue ? due : MaxDue;
        if (time != TimeProvider.System)
        {
            ArmOnClock(due);
        }
        else if (_timer is null)
        {
            _timer = grain.RegisterGrainTimer(onDue, new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The tick came: whatever the timer was armed for has passed or must be armed again.</summary>
    public void Fired() => _armedFor = null;

    /// <summary>Stops the timer for good (the activation is leaving or stepping aside); the activation would dispose it anyway.</summary>
    public void Stop()
    {
        _timer?.Dispose();
        _timer = null;
        _clockTimer?.Dispose();
        _clockTimer = null;
        _stopped = true;
    }

    /// <summary>The earlier of two moments, either of which may be absent.</summary>
    public static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b)
        => a is null ? b : b is null ? a : a < b ? a : b;

    private void ArmOnClock(TimeSpan due)
    {
        if (_clockTimer is null)
        {
            // Arming happens in the activation's turns, so this is its scheduler; ticks come back to it.
            _scheduler = TaskScheduler.Current;
            Debug.Assert(_scheduler != TaskScheduler.Default, "Armed outside the activation's turn.");

            // A grain timer goes with its activation; this one has to be told.
            grain.GrainContext.ObservableLifecycle.Subscribe(
                nameof(EarliestDueTimer), GrainLifecycleStage.Activate, static _ => Task.CompletedTask, _ =>
                {
                    Stop();
                    return Task.CompletedTask;
                });
            _clockTimer = time.CreateTimer(static self => ((EarliestDueTimer)self!).Tick(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }

        _clockTimer.Change(due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The clock's tick, on whatever thread the clock fires from: hands the callback to the activation.</summary>
    private void Tick()
    {
        if (_stopped || _scheduler is not { } scheduler)
        {
            return;
        }

        var tick = Task.Factory.StartNew(() => _stopped ? Task.CompletedTask : onDue(CancellationToken.None), CancellationToken.None, TaskCreationOptions.DenyChildAttach, scheduler).Unwrap();

        // A grain timer logs a failed tick and carries on; so does this one, minus the log: the next arm tries again.
        tick.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }
}

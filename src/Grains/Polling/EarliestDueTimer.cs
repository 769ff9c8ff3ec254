using System.Diagnostics;
using Orleans.Runtime;

namespace Orleans.Barrier;

/// <summary>
/// The one grain timer a barrier grain or shard keeps, armed for the earliest moment something of it falls due (a
/// deadline, a held poll's expiry). One-shot: the callback calls <see cref="Fired"/> and arms it again from what is
/// due next. Arming for a later moment than it is already armed for is skipped: lease renewals push deadlines later
/// on almost every poll, and an early tick that finds nothing due simply re-arms.
/// </summary>
[DebuggerDisplay("armed for {_armedFor}")]
internal sealed class EarliestDueTimer(IGrainBase grain, Func<CancellationToken, Task> onDue, TimeProvider time)
{
    // Timers cannot be set weeks ahead; an early tick finds nothing due and re-arms from there.
    private static readonly TimeSpan MaxDue = TimeSpan.FromDays(1);

    private IGrainTimer? _timer;
    private DateTimeOffset? _armedFor;

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
        if (_timer is null)
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
    }

    /// <summary>The earlier of two moments, either of which may be absent.</summary>
    public static DateTimeOffset? Earliest(DateTimeOffset? a, DateTimeOffset? b)
        => a is null ? b : b is null ? a : a < b ? a : b;
}

using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// A coalescer's wait for the members of a big release to come back before it sends again: a release of many local
/// members takes longer to fan out (a task continuation each) than a burst of looks lasts, so rather than sending them
/// in hundreds of small arrivals, the coalescer holds what comes back until all of it has, or until a pause with none
/// coming back.
/// </summary>
/// <remarks>Not thread-safe by itself: every member runs under its coalescer's lock, which the timer's callback takes too.</remarks>
[DebuggerDisplay("{_expectedBack} expected back after phase {_expectedPhase}, armed: {Armed}")]
internal sealed class ReleaseWaitBack
{
    private readonly Lock _lock;
    private readonly int _waitBackFrom;
    private readonly Action _onPause;

    // The latest phase a release was seen in, and how many of its members are expected back (0 once no longer waited for).
    private long _expectedPhase = -1;
    private int _expectedBack;
    private ITimer? _timer;
    private int _pendingWhenArmed;

    /// <param name="lockObject">The coalescer's lock, held by every caller.</param>
    /// <param name="waitBackFrom">From how many members a release's members are waited back for.</param>
    /// <param name="onPause">Called (without the lock) when the timer fires: a pause in members coming back.</param>
    public ReleaseWaitBack(Lock lockObject, int waitBackFrom, Action onPause)
    {
        _lock = lockObject;
        _waitBackFrom = waitBackFrom;
        _onPause = onPause;
    }

    /// <summary>Whether members of a release are expected back: a flush then sends them at once, without looking again.</summary>
    public bool Expecting
    {
        get
        {
            Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
            return _expectedBack > 0;
        }
    }

    /// <summary>Whether the pause timer runs: the coalescer is not idle while it does.</summary>
    public bool Armed { get; private set; }

    // A pause this long with none of them coming back ends that wait (those not back are not running free): 1 ms,
    // and 0.1 us more per member expected, since a GC pause during a big fan-out grows with it.
    private TimeSpan ReturnPause => TimeSpan.FromMilliseconds(1) + (TimeSpan.FromTicks(1) * _expectedBack);

    /// <summary>A send was released in <paramref name="phase"/>; the first answer of a phase counts who may come back.</summary>
    /// <param name="phase">The phase the answer released.</param>
    /// <param name="inFlight">The sends in flight, which were most likely released with it.</param>
    public void OnReleased(long phase, IEnumerable<CoalescedArrival> inFlight)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
        if (phase > _expectedPhase)
        {
            _expectedPhase = phase;
            var back = inFlight.Sum(s => s.LastSent.Length);
            _expectedBack = back >= _waitBackFrom ? back : 0;
        }
    }

    /// <summary>Whether <paramref name="pending"/> members are too few to send yet: more of a release are still coming back.</summary>
    public bool Holds(int pending, int parties)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
        return pending < Math.Min(_expectedBack, parties);
    }

    /// <summary>Starts the pause timer, unless it runs already.</summary>
    public void Arm(int pending)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
        if (Armed)
        {
            return;
        }

        Armed = true;
        _pendingWhenArmed = pending;

        // Real time, not the barrier's clock: it waits out the process's own work of handing a release back.
        _timer ??= TimeProvider.System.CreateTimer(static self => ((ReleaseWaitBack)self!)._onPause(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(ReturnPause, Timeout.InfiniteTimeSpan);
    }

    /// <summary>
    /// The timer fired: waits on if members came back since it was armed and more are still expected; otherwise
    /// stops waiting (true), and what is pending may go.
    /// </summary>
    public bool EndsAtPause(int pending, int parties)
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
        if (pending > _pendingWhenArmed && Holds(pending, parties))
        {
            _pendingWhenArmed = pending;
            _timer!.Change(ReturnPause, Timeout.InfiniteTimeSpan);
            return false;
        }

        Armed = false;
        _expectedBack = 0;
        return true;
    }

    /// <summary>What was pending is being sent: nobody is expected back any longer.</summary>
    public void Stop()
    {
        Debug.Assert(_lock.IsHeldByCurrentThread, "Callers hold the lock.");
        _expectedBack = 0;
        if (Armed)
        {
            Armed = false;
            _timer!.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }
}

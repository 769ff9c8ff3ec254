using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Configuration;

namespace Orleans.Barrier;

/// <summary>
/// The grain behind one barrier: a thin shell that feeds a <see cref="BarrierStateMachine"/> and carries out its
/// decisions: it holds wait polls open, wakes them on a release or break, and runs the timeout timer.
/// </summary>
/// <remarks>
/// Reentrant so that a poll held open never blocks other arrivals, cancellations, resets or status reads. That is
/// safe without locks because every state machine step runs inside one turn with no await in between, and the
/// only await (a poll waiting for its arrival's result) touches no state after it resumes.
/// </remarks>
[Reentrant]
internal sealed partial class BarrierGrain : Grain, IBarrierGrain
{
    private static readonly TimeSpan MaxTimerDue = TimeSpan.FromDays(1);

    // A new activation is a new incarnation: a poll that was answered by an earlier one re-attaches here.
    private readonly Guid _incarnation = Guid.NewGuid();
    private readonly Dictionary<ArrivalId, TaskCompletionSource<ArrivalResult>> _pollsByArrival = [];
    private readonly BarrierHostOptions _options;
    private readonly TimeSpan _defaultPoll;
    private readonly TimeProvider _time;
    private readonly ILogger<BarrierGrain> _logger;
    private BarrierStateMachine? _machine;
    private IGrainTimer? _deadlineTimer;
    private DateTimeOffset? _timerArmedFor;

    public BarrierGrain(
        IOptions<BarrierHostOptions> options,
        IOptions<SiloMessagingOptions> messaging,
        TimeProvider time,
        ILogger<BarrierGrain> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _defaultPoll = _options.DefaultPollInterval ?? messaging.Value.ResponseTimeout / 2;
    }

    private string Name => this.GetPrimaryKeyString();

    public async Task<ArrivalOutcome> WaitAsync(ArrivalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Timeout is { } timeout)
        {
            BarrierArguments.ThrowIfInvalidTimeout(timeout, nameof(request));
        }

        var machine = GetOrCreateMachine(request.Parties);
        var transition = machine.Arrive(request.Id, request.Timeout, _time.GetUtcNow(), mustBeKnown: request.Incarnation == _incarnation);
        Apply(transition);
        if (transition.Result.IsFinal)
        {
            return ToOutcome(transition.Result);
        }

        if (!_pollsByArrival.TryGetValue(request.Id, out var pending))
        {
            pending = new TaskCompletionSource<ArrivalResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            _pollsByArrival.Add(request.Id, pending);
        }

        var poll = Min(request.MaxPoll ?? _defaultPoll, _options.MaxPollInterval);
        try
        {
            return ToOutcome(await pending.Task.WaitAsync(poll, _time));
        }
        catch (TimeoutException)
        {
            // Answer before the caller's response timeout; it re-issues the poll with the same arrival id.
            return ToOutcome(ArrivalResult.Pending(machine.Phase));
        }
    }

    public Task<ArrivalOutcome> CancelAsync(ArrivalId arrival, int parties)
    {
        var transition = GetOrCreateMachine(parties).Cancel(arrival, _time.GetUtcNow());
        Apply(transition);
        return Task.FromResult(ToOutcome(transition.Result));
    }

    public Task ResetAsync(int? parties)
    {
        var machine = GetExistingMachine(parties, "reset");
        var transition = machine.Reset(_time.GetUtcNow());
        LogReset(Name, transition.Completions.Count);
        Apply(transition);
        return Task.CompletedTask;
    }

    public Task AbortAsync(int? parties)
    {
        var machine = GetExistingMachine(parties, "abort");
        var transition = machine.Abort(_time.GetUtcNow());
        LogAborted(Name, transition.Completions.Count);
        Apply(transition);
        return Task.CompletedTask;
    }

    public Task<BarrierStatus?> GetStatusAsync(int? parties)
    {
        var machine = parties is { } p ? GetOrCreateMachine(p) : _machine;
        return Task.FromResult(machine?.GetStatus() is { } status ? status with { HostSilo = RuntimeIdentity } : null);
    }

    private BarrierStateMachine GetOrCreateMachine(int parties)
    {
        BarrierArguments.ThrowIfInvalidParties(parties, nameof(parties));
        if (_machine is null)
        {
            _machine = new BarrierStateMachine(Name, parties, _options.ResultRetention);
            LogCreated(Name, parties);
        }
        else if (_machine.Parties != parties)
        {
            throw new InvalidOperationException(BarrierArguments.PartyMismatch(Name, _machine.Parties, parties));
        }

        return _machine;
    }

    private BarrierStateMachine GetExistingMachine(int? parties, string operation)
        => parties is { } p
            ? GetOrCreateMachine(p)
            : _machine ?? throw new InvalidOperationException(
                $"Cannot {operation} barrier '{Name}': it has not been used yet, so its party count is unknown. Give the party count.");

    /// <summary>Carries out a transition: wakes the polls of every completed arrival and re-arms the timeout timer.</summary>
    private void Apply(BarrierTransition transition)
    {
        foreach (var completion in transition.Completions)
        {
            if (_pollsByArrival.Remove(completion.Arrival, out var pending))
            {
                pending.TrySetResult(completion.Result);
            }
        }

        if (transition.Completions.Count > 0 && transition.Completions[0].Result.Kind == ArrivalOutcomeKind.Released)
        {
            LogReleased(Name, transition.Completions.Count, transition.Completions[0].Result.Phase);
        }

        ScheduleDeadline();
    }

    private void ScheduleDeadline()
    {
        // Most transitions leave the earliest deadline as it was; re-arming the timer for each arrival is waste.
        var nextDeadline = _machine?.NextDeadline;
        if (nextDeadline == _timerArmedFor)
        {
            return;
        }

        _timerArmedFor = nextDeadline;
        if (nextDeadline is not { } deadline)
        {
            _deadlineTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        // Timers cannot be set weeks ahead; an early tick finds nothing overdue and re-arms from here.
        var due = deadline - _time.GetUtcNow();
        due = due < TimeSpan.Zero ? TimeSpan.Zero : Min(due, MaxTimerDue);
        if (_deadlineTimer is null)
        {
            _deadlineTimer = this.RegisterGrainTimer(
                OnDeadlineAsync,
                new GrainTimerCreationOptions { DueTime = due, Period = Timeout.InfiniteTimeSpan, Interleave = true });
        }
        else
        {
            _deadlineTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private Task OnDeadlineAsync(CancellationToken cancellationToken)
    {
        // The timer is one-shot: whatever it was armed for has now passed or must be re-armed.
        _timerArmedFor = null;
        if (_machine is { } machine)
        {
            var transition = machine.AdvanceTime(_time.GetUtcNow());
            if (transition.Completions.Count > 0)
            {
                LogTimedOut(Name, transition.Completions.Count);
            }

            Apply(transition);
        }

        return Task.CompletedTask;
    }

    private ArrivalOutcome ToOutcome(ArrivalResult result)
        => new(result.Kind, result.Index, result.Phase, result.Reason, _incarnation);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier} created with {Parties} parties")]
    private partial void LogCreated(string barrier, int parties);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Barrier {Barrier} released {Count} arrivals in phase {Phase}")]
    private partial void LogReleased(string barrier, int count, long phase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier} reset; {Count} waiters failed")]
    private partial void LogReset(string barrier, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier} aborted; {Count} waiters failed")]
    private partial void LogAborted(string barrier, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier} broke on a timeout; {Count} waiters failed")]
    private partial void LogTimedOut(string barrier, int count);
}

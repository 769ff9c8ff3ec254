using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;

namespace Orleans.Barrier;

/// <summary>
/// The grain behind one barrier: a thin shell that feeds a <see cref="BarrierStateMachine"/> and carries out its
/// decisions. Every operation goes through one funnel: step the machine, store what must be stored, then answer
/// (wake the polls of completed arrivals, answer the caller) and re-arm the deadline timer. No poll is ever
/// answered from state that storage does not hold yet.
/// </summary>
/// <remarks>
/// Reentrant so that a poll held open never blocks other arrivals, cancellations, resets or status reads. That is
/// safe without locks because every state machine step runs inside one turn with no await in between; the awaits
/// (storage writes, held polls) only wait for answers that were already decided.
/// </remarks>
[Reentrant]
[GrainType("barrier")]
internal sealed partial class BarrierGrain : Grain, IBarrierGrain, IIncomingGrainCallFilter
{
    // A poll may be answered "pending" this much before its time, so one timer tick ends a batch of them.
    private static readonly TimeSpan PollExpirySlack = TimeSpan.FromMilliseconds(200);
    private readonly HeldPolls<ArrivalResult> _polls = new();

    // Named in every pending answer, so a client can watch the silo that holds its polls.
    private readonly SiloAddress _silo;
    private readonly BarrierHostOptions _options;
    private readonly TimeSpan _defaultPoll;
    private readonly TimeProvider _time;
    private readonly ILogger<BarrierGrain> _logger;
    private BarrierStateWriter _writer = null!;
    private BarrierStateMachine? _machine;
    private readonly EarliestDueTimer _timer;
    private readonly CallerNames _callers = new();
    private WaiterSilos? _waiterSilos;
    private string? _name;
    private Exception? _fencedBy;
    private Task? _registration;

    public BarrierGrain(
        IOptions<BarrierHostOptions> options,
        IOptions<SiloMessagingOptions> messaging,
        ILocalSiloDetails silo,
        [FromKeyedServices(BarrierClock.ServiceKey)] TimeProvider time,
        ILogger<BarrierGrain> logger)
    {
        _silo = silo.SiloAddress;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _defaultPoll = _options.DefaultPollInterval ?? messaging.Value.ResponseTimeout / 2;
        _timer = new EarliestDueTimer(this, OnTimerAsync, time);
    }

    // The key is parsed out of the grain id on each call otherwise; every poll asks for it.
    private string Name => _name ??= this.GetPrimaryKeyString();

    // A new activation is a new incarnation, the epoch it claimed: a poll answered by an earlier one re-attaches here.
    // 0 until a never-stored barrier's first write, which comes before any answer that took an arrival.
    private long Incarnation => _writer.Epoch;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetKeyedService<IGrainStorage>(_options.StorageName)
            ?? ServiceProvider.GetRequiredKeyedService<IGrainStorage>(BarrierSiloBuilderExtensions.FallbackStorageName);
        _writer = new BarrierStateWriter(storage, this.GetGrainId());

        // Claimed before this activation answers anything: an earlier activation that still runs (its silo frozen
        // past being declared dead, or cut off from the others) can then no longer store a step, so it cannot hand
        // out an index this one does not know of. If the claim fails, the activation fails and the caller retries.
        if (await _writer.ClaimAsync() is { } snapshot)
        {
            _machine = BarrierStateMachine.Restore(Name, snapshot, _options.ResultRetention, _time.GetUtcNow());
            LogRestored(Name, snapshot.Parties, snapshot.Phase, snapshot.BrokenReason, _writer.Epoch);
        }
    }

    /// <summary>Notes who is calling, so an unnamed arrival is named by its caller's grain or client id.</summary>
    /// <remarks>The method runs synchronously up to its first await, so nothing else reads or changes the field in between.</remarks>
    public Task Invoke(IIncomingGrainCallContext context)
    {
        _callers.Note(context.SourceId);
        return context.Invoke();
    }

    public async Task<ArrivalOutcome> WaitAsync(ArrivalRequest request)
    {
        BarrierInstruments.WaitCalls.Add(1);
        ThrowIfFenced();
        var terms = ArrivalAdmission.AtBarrier(request, _options, _callers.Current, nameof(request));
        if (Meet(request.Parties, request.Incarnation) is not { } machine)
        {
            return new ArrivalOutcome(ArrivalOutcomeKind.Unmet, -1, _machine?.Phase ?? 0, null, Incarnation);
        }

        var transition = machine.Arrive(request.Id, terms, _time.GetUtcNow(), mustBeKnown: TookBefore(request.Incarnation));

        // Registered before the write below, so a release decided by another turn while this one waits for
        // storage finds the poll and wakes it.
        var pending = transition.Result.IsFinal ? null : _polls.GetOrAdd(request.Id);

        var result = await CommitAsync(transition);
        if (result.IsFinal || pending is null)
        {
            return ToOutcome(result);
        }

        _polls.ExpireAt(request.Id, pending, _time.GetUtcNow() + PollLength.Of(request.MaxPoll, _defaultPoll, _options.MaxPollInterval, terms.Lease));
        ScheduleTimer();
        return ToOutcome(await pending.Task);
    }

    public async Task<ArrivalOutcome> WithdrawAsync(WithdrawalRequest request)
    {
        BarrierInstruments.WaitCalls.Add(1);
        ThrowIfFenced();
        ArgumentNullException.ThrowIfNull(request);

        // The whole arrival, validated as one: the withdrawal may be the first the barrier hears of it (see
        // WithdrawalRequest), and then it counts with the members that stay. Never held, so no poll is registered.
        var staying = request.Staying;
        var terms = ArrivalAdmission.AtBarrier(staying, _options, _callers.Current, nameof(request));
        var machine = Meet(staying.Parties, staying.Incarnation)
            ?? throw new ArgumentException("A withdrawal carries the party count: it may be the first the barrier hears of its arrival.", nameof(request));
        var transition = machine.Arrive(staying.Id, terms, _time.GetUtcNow());
        return ToOutcome(await CommitAsync(transition));
    }

    public async Task<ArrivalOutcome> LoseAsync(LossRequest request)
    {
        ThrowIfFenced();
        ArgumentNullException.ThrowIfNull(request);
        BarrierArguments.ThrowIfInvalidLost(request.Lost, nameof(request));
        if (_machine is not { } machine)
        {
            // Never used (or its state was lost): it holds no arrival to break for.
            return ToOutcome(ArrivalResult.Unknown(0));
        }

        return ToOutcome(await CommitAsync(machine.Lose(request.Id, request.Lost, _time.GetUtcNow())));
    }

    public async Task<ArrivalOutcome> RecallAsync(RecallRequest request)
    {
        ThrowIfFenced();
        ArgumentNullException.ThrowIfNull(request);
        BarrierArguments.ThrowIfInvalidShard(
            request.Shard ?? throw new ArgumentException("A recall names the shard that asks.", nameof(request)), request.ShardEpoch, nameof(request));
        if (_machine is not { } machine)
        {
            // Never used (or its state was lost): no release can have counted the member, and no epoch needs retiring.
            return ToOutcome(ArrivalResult.Unknown(0));
        }

        return ToOutcome(await CommitAsync(machine.Recall(request.Member, request.Shard, request.ShardEpoch, _time.GetUtcNow())));
    }

    public async Task<ArrivalOutcome> CancelAsync(ArrivalId arrival, int? parties)
    {
        ThrowIfFenced();

        // With the count, the cancellation may have overtaken its arrival, so even a new barrier remembers it; without,
        // a barrier that was never used holds nothing the arrival could have been counted in.
        if ((parties is { } declared ? GetOrCreateMachine(declared) : _machine) is not { } machine)
        {
            return ToOutcome(ArrivalResult.Cancelled(0));
        }

        var transition = machine.Cancel(arrival, _time.GetUtcNow());
        return ToOutcome(await CommitAsync(transition));
    }

    public async Task ResetAsync(int? parties)
    {
        ThrowIfFenced();
        var machine = GetExistingMachine(parties, "reset");
        var transition = machine.Reset(_time.GetUtcNow());
        LogReset(Name, transition.Completions.Count);
        await CommitAsync(transition);
    }

    public async Task AbortAsync(int? parties)
    {
        ThrowIfFenced();
        var machine = GetExistingMachine(parties, "abort");
        var transition = machine.Abort(_time.GetUtcNow());
        LogAborted(Name, transition.Completions.Count);
        await CommitAsync(transition);
    }

    public async Task<BarrierStatus?> GetStatusAsync(int? parties)
    {
        ThrowIfFenced();
        var machine = parties is { } p ? GetOrCreateMachine(p) : _machine;
        if (machine is null)
        {
            return null;
        }

        // A status must not show what storage does not hold yet (a new barrier, a release being written).
        if (!await PersistAsync())
        {
            throw Fenced();
        }

        var status = machine.GetStatus(_options.StatusListLimit);
        var waiters = machine.StatusWaiters(_options.StatusListLimit).ToList();
        var silos = await (_waiterSilos ??= new WaiterSilos(GrainFactory)).LocateAsync(waiters.Select(w => w.Waiter.Silo is null ? w.Source : null));
        return status with
        {
            HostSilo = RuntimeIdentity,
            Waiters = [.. waiters.Select((w, i) => w.Waiter.Silo is null ? w.Waiter with { Silo = silos[i] } : w.Waiter)],
        };
    }

    private BarrierStateMachine GetOrCreateMachine(int parties)
    {
        // A raw caller can address any key; the handle refuses the same names before sending anything.
        BarrierArguments.ThrowIfInvalidName(Name, "name");
        BarrierArguments.ThrowIfInvalidParties(parties, nameof(parties));
        if (_machine is null)
        {
            _machine = new BarrierStateMachine(Name, parties, _options.ResultRetention);
            LogCreated(Name, parties);
        }
        else
        {
            _machine.Definition.Meet(Name, parties);
        }

        return _machine;
    }

    /// <summary>
    /// Where an arrival meets the barrier: with the count its participant declared, checked against the definition (or
    /// creating the barrier with it); without, only at the activation that took the arrival before, which checked it then.
    /// Null if neither: the sender goes again with the count.
    /// </summary>
    private BarrierStateMachine? Meet(int? parties, long? incarnation)
        => parties is { } declared ? GetOrCreateMachine(declared)
            : TookBefore(incarnation) ? _machine
            : null;

    /// <summary>Whether this activation answered an earlier attempt of the request's arrival (an activation at epoch 0 took none).</summary>
    private bool TookBefore(long? incarnation) => incarnation is { } epoch && epoch != 0 && epoch == Incarnation;

    private BarrierStateMachine GetExistingMachine(int? parties, string operation)
        => parties is { } p
            ? GetOrCreateMachine(p)
            : _machine ?? throw new InvalidOperationException(
                $"Cannot {operation} barrier '{Name}': it has not been used yet, so its party count is unknown. Give the party count.");

    /// <summary>
    /// The funnel every step goes through: store the step if it changed what is stored, then wake the polls of
    /// the arrivals it completed and re-arm the deadline timer. Returns the caller's own result. If this activation
    /// was fenced off meanwhile nothing it decided may be answered: it throws the retryable
    /// <see cref="BarrierUnavailableException"/>, so the participant retries on the live activation (and a held call
    /// never keeps a fenced activation from deactivating).
    /// </summary>
    private async Task<ArrivalResult> CommitAsync(BarrierTransition transition)
    {
        if (!await PersistAsync())
        {
            throw Fenced();
        }

        foreach (var completion in transition.Completions)
        {
            _polls.Complete(completion.Arrival, completion.Result);
        }

        if (transition.Completions.Count > 0)
        {
            LogCompletions(transition.Completions);
            BarrierInstruments.CountReleases(transition.Completions);
        }

        ScheduleTimer();
        return transition.Result;
    }

    /// <summary>Stores the machine if it is ahead of storage. False if the write failed and this activation stepped aside.</summary>
    private async Task<bool> PersistAsync()
    {
        if (_fencedBy is not null)
        {
            return false;
        }

        if (_machine is not { } machine || machine.Version <= _writer.PersistedVersion)
        {
            return true;
        }

        try
        {
            // A new barrier is listed before it is first stored, so a listing never misses a barrier that exists.
            if (_writer.PersistedVersion == 0)
            {
                await (_registration ??= GrainFactory.GetGrain<IBarrierRegistryGrain>(BarrierRegistryBuckets.Of(Name)).RegisterAsync(Name));
            }

            await _writer.PersistAsync(machine.Version, machine.Snapshot);
            return true;
        }
        catch (Exception exception)
        {
            StepAside(exception);
            return false;
        }
    }

    /// <summary>
    /// A write failed: storage no longer matches this activation (another activation wrote since, or the write
    /// was lost), so nothing it holds may be answered. Fail its held polls with a retryable error and deactivate;
    /// every participant re-polls and re-attaches to an activation that starts from storage.
    /// </summary>
    private void StepAside(Exception exception)
    {
        if (_fencedBy is not null)
        {
            return;
        }

        _fencedBy = exception;
        LogSteppedAside(exception, Name);
        _polls.FailAll(Fenced());
        _timer.Stop();
        DeactivateOnIdle();
    }

    private void ThrowIfFenced()
    {
        if (_fencedBy is not null)
        {
            throw Fenced();
        }
    }

    private BarrierUnavailableException Fenced() => new(
        $"Barrier '{Name}': this activation's storage write failed ({_fencedBy?.GetType().Name}: {_fencedBy?.Message}); it is stepping aside. Retry: the barrier continues from storage.");

    /// <summary>Arms the one timer for whichever comes first: a barrier deadline (timeout, lease) or a held poll's expiry.</summary>
    private void ScheduleTimer()
    {
        if (_fencedBy is not null)
        {
            return;
        }

        _timer.ArmFor(EarliestDueTimer.Earliest(_machine?.NextDeadline, _polls.NextExpiry));
    }

    private async Task OnTimerAsync(CancellationToken cancellationToken)
    {
        _timer.Fired();
        if (_machine is not { } machine || _fencedBy is not null)
        {
            return;
        }

        var now = _time.GetUtcNow();
        _polls.ExpireDue(now + PollExpirySlack, ArrivalResult.Pending(machine.Phase));
        try
        {
            await CommitAsync(machine.AdvanceTime(now));
        }
        catch (BarrierUnavailableException)
        {
            // Fenced while storing what the deadline did; the activation is stepping aside and its waiters move on.
        }
    }

    private ArrivalOutcome ToOutcome(ArrivalResult result) => new(result.Kind, result.Index, result.Phase, result.Reason, Incarnation)
    {
        LostParticipants = result.Lost,
        Units = result.Units,
        Offered = result.Offered,
        Host = result.Kind == ArrivalOutcomeKind.Pending ? _silo : null,
    };
}

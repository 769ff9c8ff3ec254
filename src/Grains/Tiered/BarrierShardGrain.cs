using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Configuration;
using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Storage;

namespace Orleans.Barrier;

/// <summary>
/// One shard of a tiered barrier: the same coalescer a process uses for its own participants (<see cref="ArrivalCoalescer"/>),
/// hosted in a grain so that participants of any process can share it. Participants arrive here with their own arrivals; the shard keeps what only it can see
/// (each participant's re-issued polls, its lease, its cancellation) and joins every waiting participant to one
/// <see cref="ArrivalCoalescer"/>, which sends them to the barrier grain as coalesced arrivals and fans the release
/// back out. So the barrier's rules stay in the barrier grain's one state machine: a shard counts nothing, orders
/// nothing and never breaks on its own.
/// </summary>
/// <remarks>
/// <para>
/// A participant's lease runs here, renewed by its polls. When it runs out, an <see cref="ParticipantLossPolicy.Evict"/>
/// participant is withdrawn exactly (as a cancellation); a <see cref="ParticipantLossPolicy.Break"/> participant is
/// reported lost (<see cref="LossRequest"/>), and the barrier breaks naming it unless a release came first.
/// The shard's own arrivals at the barrier are leased too, renewed by this silo's poll loops: if the shard's silo dies,
/// the barrier counts its participants as lost by their policy, as for the grains of a silo that dies.
/// </para>
/// <para>
/// Reentrant, like the barrier grain: a held poll never blocks other participants. State changes happen in turns
/// with no await in between; the coalescer runs on the thread pool and only completes each participant's task.
/// </para>
/// </remarks>
[Reentrant]
[RandomPlacement]
[GrainType("barrier-shard")]
internal sealed partial class BarrierShardGrain : Grain, IBarrierShardGrain, IIncomingGrainCallFilter
{
    // A poll may be answered "pending" this much before its time, so one timer tick ends a batch of them.
    private static readonly TimeSpan PollExpirySlack = TimeSpan.FromMilliseconds(200);

    private readonly Dictionary<ArrivalId, ShardMember> _waiting = [];
    private readonly HeldPolls<ArrivalOutcome> _polls = new();
    private readonly SiloAddress _silo;

    // The pending answer, naming this activation's epoch and silo; every answer is made from it.
    private ArrivalOutcome _pending = null!;
    private readonly ConcurrentDictionary<CoalescerKey, ArrivalCoalescer> _coalescers = new();
    private readonly DeadlineQueue<ScheduledDeadline> _leases;
    private readonly BarrierHostOptions _options;
    private readonly TimeSpan _defaultPoll;
    private readonly TimeProvider _time;
    private readonly ILogger<BarrierShardGrain> _logger;

    // Final outcomes (or failures) for re-issued polls whose answer was lost in transit, remembered as the barrier
    // grain remembers its results: two parties' worth, at least 1,024, so memory is bounded by the party, not by throughput.
    private readonly RememberedResults<Task<ArrivalOutcome>> _finished;

    private readonly EarliestDueTimer _timer;
    private readonly CallerNames _callers = new();
    private string? _barrier;
    private bool _deactivating;

    // This activation's epoch, one above the previous activation's (stored), sent with every arrival at the barrier; it is
    // also the incarnation its answers name.
    private long _epoch;

    public BarrierShardGrain(
        IOptions<BarrierHostOptions> options,
        IOptions<SiloMessagingOptions> messaging,
        ILocalSiloDetails silo,
        [FromKeyedServices(BarrierClock.ServiceKey)] TimeProvider time,
        ILogger<BarrierShardGrain> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
        _defaultPoll = _options.DefaultPollInterval ?? messaging.Value.ResponseTimeout / 2;
        _leases = new(IsCurrentLease);
        _finished = new RememberedResults<Task<ArrivalOutcome>>(_options.ResultRetention, BarrierStateMachine.MinRemembered);
        _silo = silo.SiloAddress;
        _timer = new EarliestDueTimer(this, OnTimer, time);
    }

    // The barrier's name: the key after the shard number.
    private string Barrier => _barrier ??= BarrierShards.BarrierOf(this.GetPrimaryKeyString());

    /// <summary>Takes the next epoch: from now on the barrier drops the arrivals of earlier activations of this shard.</summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var storage = ServiceProvider.GetKeyedService<IGrainStorage>(_options.StorageName)
            ?? ServiceProvider.GetRequiredKeyedService<IGrainStorage>(BarrierSiloBuilderExtensions.FallbackStorageName);
        var state = new GrainState<StoredShard>();
        await storage.ReadStateAsync("barrier-shard", this.GetGrainId(), state);
        state.State ??= new StoredShard();
        state.State.Epoch = ActivationEpoch.After(state.State.Epoch);
        await storage.WriteStateAsync("barrier-shard", this.GetGrainId(), state);
        _epoch = state.State.Epoch;
        _pending = new ArrivalOutcome(ArrivalOutcomeKind.Pending, -1, 0, null, _epoch) { Host = _silo };
    }

    /// <summary>
    /// Leaving (the silo shuts down, or the activation is moved): withdraw every waiting participant from the barrier,
    /// so that none is counted by an activation that can no longer answer it. Each then re-attaches to the shard's next
    /// activation, unless a release came first and it gets its index here.
    /// </summary>
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        _timer.Stop();
        var outcomes = _waiting.Values.Select(member =>
        {
            member.Arrival.Withdraw();
            return member.Outcome;
        }).ToArray();

        try
        {
            await Task.WhenAll(outcomes).WaitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Each participant's own poll sees its failure; leaving must not wait on it.
        }
    }

    /// <summary>Notes who is calling, so an unnamed arrival is named by its caller's grain or client id, as at the barrier grain.</summary>
    public Task Invoke(IIncomingGrainCallContext context)
    {
        _callers.Note(context.SourceId);
        return context.Invoke();
    }

    public async Task<ArrivalOutcome> WaitAsync(ArrivalRequest request)
    {
        BarrierInstruments.ShardWaitCalls.Add(1);
        // Validated and named before any await: another call may note its own caller meanwhile.
        var terms = ArrivalAdmission.AtShard(request, _options, _callers.Current, nameof(request));
        var name = terms.Participant;
        if (!_waiting.TryGetValue(request.Id, out var member))
        {
            if (Finished(request.Id) is { } finished)
            {
                return await finished;
            }

            if (request.Incarnation == _epoch)
            {
                // Answered by this activation before, and forgotten since.
                return _pending with { Kind = ArrivalOutcomeKind.Unknown };
            }

            if (_deactivating)
            {
                throw Moving();
            }

            if (request.Parties is null)
            {
                // A re-issue without the count, to an activation that never took the arrival: it goes again with it.
                return _pending with { Kind = ArrivalOutcomeKind.Unmet };
            }

            // A re-issue this activation does not know may come from an earlier one, even without its incarnation (the
            // earlier one died before it answered at all).
            if ((request.Incarnation is not null || request.Reissued) && await RecallAsync(request, name) is { } recalled)
            {
                return recalled;
            }

            // Another poll of the same arrival may have joined it while the recall was out, or the activation began to leave.
            if (!_waiting.TryGetValue(request.Id, out member))
            {
                member = _deactivating ? throw Moving() : Join(request, terms);
            }
        }

        var now = _time.GetUtcNow();
        Renew(member, now);

        // The participant's re-issued polls renew its lease here.
        var held = _polls.GetOrAdd(request.Id);
        _polls.ExpireAt(request.Id, held, now + PollLength.Of(request.MaxPoll, _defaultPoll, _options.MaxPollInterval, member.Lease));
        ScheduleTimer();
        return await held.Task;
    }

    public async Task<ArrivalOutcome> CancelAsync(ArrivalId arrival, int? parties)
    {
        // A shard counts nobody, so it has no count to check: the barrier checks it when the arrival reaches it.
        if (parties is { } declared)
        {
            BarrierArguments.ThrowIfInvalidParties(declared, nameof(parties));
        }

        if (_waiting.TryGetValue(arrival, out var member))
        {
            // The barrier's turn decides whether the withdrawal or a release came first; the outcome says which.
            member.Arrival.Withdraw();
            return await member.Outcome;
        }

        if (Finished(arrival) is { } finished)
        {
            return await finished;
        }

        // A cancellation can overtake its own arrival on the wire: remembering it as cancelled keeps the late arrival
        // from joining as a ghost.
        var cancelled = new ArrivalOutcome(ArrivalOutcomeKind.Cancelled, -1, 0, null, _epoch);
        Remember(arrival, Task.FromResult(cancelled));
        return cancelled;
    }

    /// <summary>
    /// A participant re-attaching from an earlier activation of this shard, which may have died between its release and
    /// its answer: the barrier grain remembers each member's index under the member's own id. Asking also retires the
    /// earlier activations, so none of their arrivals can be released after the answer. Returns the participant's outcome
    /// if it has one (its release, here or by an earlier activation), or null if it must join.
    /// </summary>
    private async Task<ArrivalOutcome?> RecallAsync(ArrivalRequest request, string name)
    {
        var ask = new RecallRequest(request.Id, this.GetPrimaryKeyString(), _epoch);
        var recalled = await GrainFactory.GetGrain<IBarrierGrain>(Barrier).RecallAsync(ask);
        if (_waiting.ContainsKey(request.Id))
        {
            return null;
        }

        if (Finished(request.Id) is { } finished)
        {
            return await finished;
        }

        if (recalled.Kind != ArrivalOutcomeKind.Released)
        {
            return null;
        }

        var outcome = _pending with { Kind = ArrivalOutcomeKind.Released, Index = recalled.Index, Phase = recalled.Phase, Units = 1, Offered = 1 };
        Remember(request.Id, Task.FromResult(outcome));
        LogRecalled(Barrier, name, recalled.Index, recalled.Phase);
        return outcome;
    }

    /// <summary>A new participant: joins the coalescer for its terms, and is answered from what its coalesced arrival gets.</summary>
    private ShardMember Join(ArrivalRequest request, ArrivalTerms terms)
    {
        // Keyed by the lease it runs under (the silo's default filled in), so participants that asked for the default and
        // those that named the same lease share one coalesced arrival, which carries that lease to the barrier.
        var parties = request.Parties ?? throw new UnreachableException("An arrival joins only with the count it declared.");
        var key = new CoalescerKey(parties, terms.Lease, terms.OnLost);
        var name = terms.Participant;
        _finished.RaiseLimit((int)Math.Min(2L * parties, int.MaxValue));
        var member = new ShardMember(request.Id, name, terms.Lease, terms.OnLost);
        _waiting.Add(request.Id, member);
        member.Arrival = CoalescerFor(key).Join(name, request.Timeout, request.Id);
        member.Outcome = OutcomeAsync(member);
        LogJoined(Barrier, name);
        return member;
    }

    private ArrivalCoalescer CoalescerFor(CoalescerKey key)
    {
        if (_coalescers.TryGetValue(key, out var existing))
        {
            return existing;
        }

        // Aimed at the barrier grain, as this silo; its arrivals carry the participants' lease and policy, so the
        // barrier holds this silo's poll loops to the same lease as the participants.
        var template = new ArrivalRequest(default, key.Parties, null, null, null)
        {
            Lease = key.Lease ?? Timeout.InfiniteTimeSpan,
            OnParticipantLost = key.OnLost,
            Shard = this.GetPrimaryKeyString(),
            ShardEpoch = _epoch,
        };
        ArrivalCoalescer? created = null;
        created = new ArrivalCoalescer(
            new ArrivalPoller(GrainFactory, Barrier, key.Parties),
            template,
            named: true,
            () => _coalescers.TryRemove(new KeyValuePair<CoalescerKey, ArrivalCoalescer>(key, created!)),
            waitBackFrom: 2);
        return _coalescers.GetOrAdd(key, created);
    }

    /// <summary>Turns the participant's index (or failure) from the coalescer into its outcome, in a turn of this grain.</summary>
    private async Task<ArrivalOutcome> OutcomeAsync(ShardMember member)
    {
        Task<ArrivalOutcome> final;
        try
        {
            var released = await member.Arrival.Task;
            final = Task.FromResult(new ArrivalOutcome(ArrivalOutcomeKind.Released, released, 0, null, _epoch) { Units = 1, Offered = 1 });
        }
        catch (BrokenBarrierException broken)
        {
            final = Task.FromResult(new ArrivalOutcome(ArrivalOutcomeKind.Broken, -1, 0, broken.Reason, _epoch)
            {
                LostParticipants = broken.Reason == BrokenBarrierReason.ParticipantLost ? broken.LostParticipants : null,
            });
        }
        catch (OperationCanceledException) when (member.Evicted || !_deactivating)
        {
            final = Task.FromResult(new ArrivalOutcome(member.Evicted ? ArrivalOutcomeKind.Evicted : ArrivalOutcomeKind.Cancelled, -1, 0, null, _epoch));
        }
        catch (OperationCanceledException)
        {
            // Withdrawn because this activation is leaving, not by the participant: it re-attaches to the next one.
            final = Task.FromException<ArrivalOutcome>(Moving());
        }
        catch (Exception exception)
        {
            // The barrier refused or could not be reached: every re-issue of this arrival sees the same failure.
            final = Task.FromException<ArrivalOutcome>(exception);
        }

        _waiting.Remove(member.Id);
        Remember(member.Id, final);
        if (final.IsCompletedSuccessfully)
        {
            _polls.Complete(member.Id, final.Result);
        }
        else
        {
            _polls.Fail(member.Id, final.Exception!.InnerException!);
        }

        return await final;
    }

    private BarrierUnavailableException Moving() => new(
        $"Barrier '{Barrier}': this shard is deactivating and has withdrawn its waiting participants. Retry: the participant re-attaches to the shard's next activation.");

    private Task<ArrivalOutcome>? Finished(ArrivalId arrival)
    {
        _finished.ForgetExpired(_time.GetUtcNow());
        return _finished.TryGet(arrival, out var finished) ? finished : null;
    }

    private void Remember(ArrivalId arrival, Task<ArrivalOutcome> outcome) => _finished.Remember(arrival, outcome, _time.GetUtcNow());

    /// <summary>A poll renews the participant's lease here; the timer acts on leases that run out.</summary>
    private void Renew(ShardMember member, DateTimeOffset now)
    {
        if (member.Lease is not { } lease || member.Outcome.IsCompleted)
        {
            return;
        }

        member.LeaseExpiresAt = now + lease;
        _leases.Add(new ScheduledDeadline(member.Id, DeadlineKind.Lease, member.LeaseExpiresAt.Value), member.LeaseExpiresAt.Value);
        _leases.CompactForLive(_waiting.Count);

        ScheduleTimer();
    }

    private bool IsCurrentLease(ScheduledDeadline deadline)
        => _waiting.TryGetValue(deadline.Arrival, out var member) && member.LeaseExpiresAt == deadline.At;

    /// <summary>Arms the one timer for whichever comes first: a lease running out or a held poll's expiry.</summary>
    private void ScheduleTimer()
    {
        if (!_deactivating)
        {
            _timer.ArmFor(EarliestDueTimer.Earliest(_leases.Next, _polls.NextExpiry));
        }
    }

    private Task OnTimer(CancellationToken cancellationToken)
    {
        _timer.Fired();
        var now = _time.GetUtcNow();
        _polls.ExpireDue(now + PollExpirySlack, _pending);
        while (_leases.TryTakeDue(now, out var due))
        {
            var member = _waiting[due.Arrival];
            member.LeaseExpiresAt = null;
            LogLeaseLost(Barrier, member.Name, member.OnLost);
            if (member.OnLost == ParticipantLossPolicy.Evict)
            {
                member.Evict();
            }
            else
            {
                member.Arrival.Lose();
            }
        }

        ScheduleTimer();
        return Task.CompletedTask;
    }

    /// <summary>What the participants of one coalesced arrival share; a null lease is none.</summary>
    private readonly record struct CoalescerKey(int Parties, TimeSpan? Lease, ParticipantLossPolicy OnLost);
}

using System.Globalization;
using System.Text;

namespace Orleans.Barrier.Tests.Model;

/// <summary>
/// Runs one <see cref="ModelScenario"/> on a <see cref="BarrierStateMachine"/> and a <see cref="BarrierModel"/> side by
/// side, playing the participants' handles: each arrival keeps its id, terms and absolute timeout, re-issues with the
/// time it has left, and claims to know the barrier's incarnation only if that incarnation answered it. It also plays
/// the shards of a tiered barrier: each has a few members with their own names and ids, and activations (epochs) that
/// the run starts one after another, an older one sometimes still speaking. After every step it checks the machine's
/// answers against the model's and the invariants against the machine's own outputs.
/// </summary>
internal sealed class ModelRun
{
    private const string Name = "model";

    private readonly ModelScenario _scenario;
    private readonly ModelRunStats _stats;
    private readonly BarrierModel _model;
    private readonly List<Handle> _handles = [];

    // The newest activation the run has started of each shard; epochs outlive the barrier's crashes, as shards do.
    private readonly long[] _newestEpoch = [.. Enumerable.Repeat(1L, ModelOperation.Shards)];
    private readonly StringBuilder _trace = new();

    // The invariants' own memory, kept from the machine's outputs alone: each arrival's final result (and how often
    // the model had forgotten it then), and the last phase and version seen.
    private readonly Dictionary<ArrivalId, (ArrivalResult Result, int Forgotten)> _finals = [];
    private BarrierStateMachine _machine;
    private DateTimeOffset _now = BarrierTestKit.T0;
    private int _incarnation;
    private int _unknownIds;
    private long _phase;
    private long _version = 1;
    private int _step;

    public ModelRun(ModelScenario scenario, ModelRunStats stats)
    {
        _scenario = scenario;
        _stats = stats;
        _machine = new BarrierStateMachine(Name, scenario.Parties, scenario.Retention);
        _model = new BarrierModel(scenario.Parties, scenario.Retention);
    }

    public void Run()
    {
        Interlocked.Increment(ref _stats.Runs);
        for (_step = 0; _step < _scenario.Operations.Count; _step++)
        {
            Interlocked.Increment(ref _stats.Steps);
            Apply(_scenario.Operations[_step]);
            CheckState();
        }
    }

    private void Apply(ModelOperation operation)
    {
        switch (operation)
        {
            case ModelOperation.ArriveNew arrive:
                ArriveNew(new ArrivalTerms($"p{arrive.Participant}", arrive.Timeout, arrive.Lease, arrive.OnLost, Units: Math.Min(arrive.Units, _scenario.Parties)));
                break;

            case ModelOperation.ArriveFromShard fromShard:
                var members = Enumerable.Range(fromShard.FirstMember, Math.Min(fromShard.Units, _scenario.Parties)).Select(k => k % ModelOperation.MembersPerShard).ToList();
                ArriveNew(new ArrivalTerms(
                    $"s{fromShard.Shard}",
                    fromShard.Timeout,
                    fromShard.Lease,
                    fromShard.OnLost,
                    Units: members.Count,
                    Members: [.. members.Select(k => MemberName(fromShard.Shard, k))],
                    Shard: $"s{fromShard.Shard}",
                    ShardEpoch: Epoch(fromShard.Shard, fromShard.EpochStep),
                    MemberIds: [.. members.Select(k => MemberId(fromShard.Shard, k))]));
                break;

            case ModelOperation.Recall recall:
                var epoch = Epoch(recall.Shard, recall.EpochStep);
                var member = new ArrivalId(MemberId(recall.Shard, recall.Member));
                Step(
                    $"s{recall.Shard} epoch {epoch} recalls {MemberName(recall.Shard, recall.Member)}",
                    null,
                    _machine.Recall(member, $"s{recall.Shard}", epoch, _now),
                    _model.Recall(member, $"s{recall.Shard}", epoch, _now));
                break;

            case ModelOperation.Lose lose when _handles.Count > 0:
                var waitingHandles = lose.Waiting ? _handles.Where(wh => _model.WaitingArrivals.Contains(wh.Id)).ToList() : [];
                var among = waitingHandles.Count > 0 ? waitingHandles : _handles;
                Lose(among[lose.Pick % among.Count], lose);
                break;

            case ModelOperation.Reissue reissue when _handles.Count > 0:
                var h = _handles[reissue.Pick % _handles.Count];

                // As the real handle does: the timeout it has left, and the incarnation only if this one answered it.
                var again = h.Terms with { Timeout = h.TimeoutAt is { } at ? Max(at - _now, TimeSpan.Zero) : h.Terms.Timeout };
                var known = reissue.MustBeKnown && h.AnsweredBy == _incarnation;
                var waitedBeforeACrash = h.AnsweredBy != _incarnation && _model.WasWaitingWhenLastRebuilt(h.Id);
                Step(
                    $"#{h.Number} re-issues{(known ? " with the current incarnation" : h.AnsweredBy == _incarnation ? string.Empty : " to a new incarnation")}",
                    h.Id,
                    _machine.Arrive(h.Id, again, _now, known),
                    _model.Arrive(h.Id, again, _now, known));
                if (waitedBeforeACrash)
                {
                    Interlocked.Increment(ref _stats.Reattachments);
                }

                h.AnsweredBy = _incarnation;
                break;

            case ModelOperation.Withdraw withdraw when _handles.Count > 0:
                var w = _handles[withdraw.Pick % _handles.Count];

                // As the coalescer does: a re-issue with fewer units, from then on the handle's units. Members leave
                // from the front, so a machine that kept the first ones instead of those the re-issue lists is caught.
                var staying = Math.Max(w.Terms.Units - withdraw.By, 1);
                w.Terms = w.Terms with
                {
                    Units = staying,
                    Members = w.Terms.Members?.Skip(w.Terms.Units - staying).ToList(),
                    MemberIds = w.Terms.MemberIds?.Skip(w.Terms.Units - staying).ToList(),
                    Timeout = w.TimeoutAt is { } wat ? Max(wat - _now, TimeSpan.Zero) : w.Terms.Timeout,
                };
                var wknown = w.AnsweredBy == _incarnation;
                var waitingBefore = _model.WaitingArrivals.Contains(w.Id) ? _model.WaitingParticipants : -1;
                Step($"#{w.Number} withdraws to {w.Terms.Units} unit(s)", w.Id, _machine.Arrive(w.Id, w.Terms, _now, wknown), _model.Arrive(w.Id, w.Terms, _now, wknown));
                if (waitingBefore > _model.WaitingParticipants && _model.WaitingArrivals.Contains(w.Id))
                {
                    Interlocked.Increment(ref _stats.Withdrawals);
                }

                w.AnsweredBy = _incarnation;
                break;

            case ModelOperation.Cancel cancel when _handles.Count > 0:
                var c = _handles[cancel.Pick % _handles.Count];
                Step($"#{c.Number} cancels", c.Id, _machine.Cancel(c.Id, _now), _model.Cancel(c.Id, _now));
                break;

            case ModelOperation.ReissueUnknown:
                var stranger = UnknownId();
                Step("a never-seen arrival polls with an incarnation", stranger, _machine.Arrive(stranger, new ArrivalTerms("stranger"), _now, mustBeKnown: true), _model.Arrive(stranger, new ArrivalTerms("stranger"), _now, mustBeKnown: true));
                break;

            case ModelOperation.CancelUnknown:
                var ghost = UnknownId();
                Step("a never-seen arrival cancels", ghost, _machine.Cancel(ghost, _now), _model.Cancel(ghost, _now));
                break;

            case ModelOperation.Advance advance:
                _now += advance.By;
                if (advance.Tick)
                {
                    Step($"time is +{Elapsed()} and the timer fires", null, _machine.AdvanceTime(_now), _model.AdvanceTime(_now));
                }
                else
                {
                    Trace($"time is +{Elapsed()}, nobody looks");
                }

                break;

            case ModelOperation.Reset:
                Step("reset", null, _machine.Reset(_now), _model.Reset(_now));
                break;

            case ModelOperation.Abort:
                Step("abort", null, _machine.Abort(_now), _model.Abort(_now));
                break;

            case ModelOperation.Crash:
                var live = _machine.Waiting;
                _machine = BarrierStateMachine.Restore(Name, _machine.Snapshot(), _scenario.Retention, _now);
                _model.Rebuild(_now);
                _incarnation++;
                Interlocked.Increment(ref _stats.Crashes);
                if (live > 0)
                {
                    Interlocked.Increment(ref _stats.CrashesWithLiveArrivals);
                }

                Trace($"crash: a new incarnation restores phase {_machine.Phase}, version {_machine.Version}; {live} live arrival(s) must re-attach");
                break;

            default:
                Trace($"{operation}: no arrival to act on yet");
                break;
        }
    }

    private void ArriveNew(ArrivalTerms terms)
    {
        var handle = new Handle(_handles.Count, terms, _now + Finite(terms.Timeout));
        _handles.Add(handle);
        var from = terms.Shard is null ? string.Empty : $" from {terms.Shard} epoch {terms.ShardEpoch} for {string.Join(",", terms.Members!)}";
        Step(
            $"#{handle.Number} arrives as {terms.Participant}{from} (timeout {Text(terms.Timeout)}, lease {Text(terms.Lease)}, {terms.OnLost}, units {terms.Units})",
            handle.Id,
            _machine.Arrive(handle.Id, terms, _now),
            _model.Arrive(handle.Id, terms, _now, mustBeKnown: false));
        if (_finals.TryGetValue(handle.Id, out var final) && final.Result.Kind == ArrivalOutcomeKind.Released && final.Result.Units < terms.Units)
        {
            Interlocked.Increment(ref _stats.Overflows);
        }

        handle.AnsweredBy = _incarnation;
    }

    /// <summary>
    /// Reports members of <paramref name="handle"/>'s arrival lost. A refusal must be predicted by the model, and must
    /// leave the machine as it was; anything else is an ordinary step.
    /// </summary>
    private void Lose(Handle handle, ModelOperation.Lose lose)
    {
        var names = handle.Terms.Members ?? [handle.Terms.Participant];
        List<string> lost = [.. Enumerable.Range(0, lose.Count).Select(i => names[i % names.Count])];
        if (lose.Stranger)
        {
            lost.Add("stranger");
        }

        var what = $"#{handle.Number} reported lost: {string.Join(",", lost)}";
        var before = (_machine.Version, _machine.Phase, _machine.State, Waiting: string.Join(",", _machine.WaitingArrivals.Select(Who)));
        var expected = _model.Lose(handle.Id, lost, _now);
        BarrierTransition actual;
        try
        {
            actual = _machine.Lose(handle.Id, lost, _now);
        }
        catch (ArgumentException refused)
        {
            Trace($"{what} -> refused ({refused.Message})");
            if (!expected.Refused)
            {
                Fail("the report is refused", Text(expected.Result), $"{refused.GetType().Name}: {refused.Message}");
            }

            var after = (_machine.Version, _machine.Phase, _machine.State, Waiting: string.Join(",", _machine.WaitingArrivals.Select(Who)));
            Expect("the machine after a refused report", before, after);
            Tally(expected.Fired);
            return;
        }

        if (expected.Refused)
        {
            Trace($"{what} -> {Text(actual.Result)}");
            Fail("the report is not refused", "ArgumentException", Text(actual.Result));
        }

        Step(what, handle.Id, actual, expected);
    }

    /// <summary>The epoch of shard <paramref name="shard"/>'s activation <paramref name="step"/> from the newest; a step forward starts a new one.</summary>
    private long Epoch(int shard, int step)
    {
        var epoch = Math.Max(_newestEpoch[shard] + step, 0);
        _newestEpoch[shard] = Math.Max(_newestEpoch[shard], epoch);
        return epoch;
    }

    private static string MemberName(int shard, int member) => $"s{shard}m{member}";

    /// <summary>A shard member's own arrival id; the second field keeps it apart from the handles' and strangers' ids.</summary>
    private static Guid MemberId(int shard, int member) => new((shard * ModelOperation.MembersPerShard) + member, 1, 0, new byte[8]);

    /// <summary>Checks one step's answers: equal to the model's, and consistent with everything the machine said before.</summary>
    private void Step(string what, ArrivalId? caller, BarrierTransition actual, ModelStep expected)
    {
        Trace($"{what} -> {Text(actual.Result)}{(actual.Completions.Count > 0 ? $"; completes {string.Join(", ", actual.Completions.Select(c => $"{Who(c.Arrival)} {Text(c.Result)}"))}" : string.Empty)}");
        if (!Same(actual.Result, expected.Result))
        {
            Fail("the caller's result differs", Text(expected.Result), Text(actual.Result));
        }

        var completed = new Dictionary<ArrivalId, ArrivalResult>();
        foreach (var completion in actual.Completions)
        {
            if (!completed.TryAdd(completion.Arrival, completion.Result))
            {
                Fail($"{Who(completion.Arrival)} is completed twice in one step", "once", "twice");
            }
        }

        var expectedText = string.Join(", ", expected.Completions.Select(c => $"{Who(c.Key)} {Text(c.Value)}"));
        if (completed.Count != expected.Completions.Count
            || completed.Any(c => !expected.Completions.TryGetValue(c.Key, out var e) || !Same(c.Value, e)))
        {
            Fail("the completions differ", expectedText, string.Join(", ", completed.Select(c => $"{Who(c.Key)} {Text(c.Value)}")));
        }

        CheckRelease(completed);
        Tally(expected.Fired);
        foreach (var (arrival, result) in completed)
        {
            CheckFinal(arrival, result);
            Tally(result);
        }

        if (caller is { } id && !completed.ContainsKey(id))
        {
            CheckFinal(id, actual.Result);
            if (actual.Result.Kind == ArrivalOutcomeKind.Unknown)
            {
                Interlocked.Increment(ref _stats.Unknowns);
            }
        }

        // A lease that ran out unnoticed by the timer, found by an arrival or a cancellation instead.
        if (caller is not null && completed.Values.Any(r => r.Kind == ArrivalOutcomeKind.Evicted || r.Reason == BrokenBarrierReason.ParticipantLost))
        {
            Interlocked.Increment(ref _stats.LeasesFoundByACall);
        }
    }

    /// <summary>A release is one full party numbered 0..Parties-1 in the next phase, and moves the phase by exactly one.</summary>
    private void CheckRelease(Dictionary<ArrivalId, ArrivalResult> completed)
    {
        var released = completed.Values.Where(r => r.Kind == ArrivalOutcomeKind.Released).ToList();
        if (released.Count == 0)
        {
            return;
        }

        Interlocked.Increment(ref _stats.Releases);
        if (released.Count < _scenario.Parties)
        {
            Interlocked.Increment(ref _stats.CoalescedReleases);
        }

        // A coalesced arrival takes a run of indices, one per unit.
        var indices = released.SelectMany(r => Enumerable.Range(r.Index, r.Units)).Order().ToList();
        if (indices.Count != _scenario.Parties)
        {
            Fail("a release is not one full party", $"{_scenario.Parties}", $"{indices.Count}");
        }

        if (!indices.SequenceEqual(Enumerable.Range(0, _scenario.Parties)))
        {
            Fail("a release's indices are not 0..Parties-1", $"0..{_scenario.Parties - 1}", string.Join(",", indices));
        }

        if (released.Any(r => r.Phase != _phase + 1))
        {
            Fail("a release is not in the next phase", $"{_phase + 1}", string.Join(",", released.Select(r => r.Phase)));
        }
    }

    /// <summary>
    /// An arrival's final result never changes: not released twice or in two phases, never released after being
    /// cancelled, evicted or broken. The one exception is an arrival whose result the barrier had forgotten (it
    /// expired, or a crash lost it) and that then came back: that is a new arrival, as the model also says.
    /// </summary>
    private void CheckFinal(ArrivalId arrival, ArrivalResult result)
    {
        if (result.Kind is ArrivalOutcomeKind.Pending or ArrivalOutcomeKind.Unknown)
        {
            if (result.Kind == ArrivalOutcomeKind.Pending && _finals.TryGetValue(arrival, out var before) && _model.TimesForgotten(arrival) == before.Forgotten)
            {
                Fail($"{Who(arrival)} waits again after its final result, which was never forgotten", Text(before.Result), Text(result));
            }

            return;
        }

        if (_finals.TryGetValue(arrival, out var first) && !Same(first.Result, result))
        {
            if (_model.TimesForgotten(arrival) == first.Forgotten)
            {
                Fail($"{Who(arrival)}'s final result changed, though it was never forgotten", Text(first.Result), Text(result));
            }

            Interlocked.Increment(ref _stats.CountedAgainAfterForgetting);
        }

        _finals[arrival] = (result, _model.TimesForgotten(arrival));
    }

    private void CheckState()
    {
        var status = _machine.GetStatus();
        var capped = _machine.GetStatus(listLimit: 1);
        Expect("the phase", _model.Phase, _machine.Phase);
        Expect("the version", _model.Version, _machine.Version);
        if (_machine.Phase < _phase || _machine.Version < _version)
        {
            Fail("the phase or version went back", $"at least {_phase} and {_version}", $"{_machine.Phase} and {_machine.Version}");
        }

        _phase = _machine.Phase;
        _version = _machine.Version;
        Expect("the state", _model.IsBroken ? BarrierState.Broken : BarrierState.Filling, _machine.State);
        Expect("the waiting participants", _model.WaitingParticipants, _machine.Waiting);
        Expect("the status's waiting", _model.WaitingParticipants, status.Waiting);
        Expect("the waiting arrivals", string.Join(",", _model.WaitingArrivals.Select(Who)), string.Join(",", _machine.WaitingArrivals.Select(Who)));
        if (_machine.Waiting >= _machine.Parties || (_machine.State == BarrierState.Broken && _machine.Waiting > 0))
        {
            Fail("a full party or a broken barrier has waiters", $"< {_machine.Parties}", $"{_machine.Waiting} ({_machine.State})");
        }

        Expect("the next deadline", _model.NextDeadline, _machine.NextDeadline);
        Expect("the remembered results", _model.RememberedResults, _machine.RememberedResults);
        Expect("the broken reason", _model.BrokenReason, status.BrokenReason);
        Expect("the lost participants", string.Join(",", _model.LostParticipants.Order(StringComparer.Ordinal)), string.Join(",", status.LostParticipants.Order(StringComparer.Ordinal)));
        Expect("the waiters", string.Join(",", _model.Waiters), string.Join(",", status.Waiters));
        Expect("the missing", string.Join(",", _model.Missing), string.Join(",", status.Missing));
        Expect("the capped waiters", string.Join(",", _model.Waiters.Take(1)), string.Join(",", capped.Waiters));
        Expect("the capped missing", string.Join(",", _model.Missing.Take(1)), string.Join(",", capped.Missing));
    }

    private void Tally(ModelRules fired)
    {
        Count(ModelRules.Superseded, ref _stats.Supersedes);
        Count(ModelRules.EvictedOnSight, ref _stats.EvictedOnSight);
        Count(ModelRules.RecallRemembered, ref _stats.RecallsRemembered);
        Count(ModelRules.RecallJoins, ref _stats.RecallsJoining);
        Count(ModelRules.LoseBroke, ref _stats.LoseBreaks);
        Count(ModelRules.LoseAfterFinal, ref _stats.LoseAfterFinal);
        Count(ModelRules.LoseRefusedForStranger, ref _stats.LoseRefusedForStranger);
        Count(ModelRules.LoseRefusedForEvict, ref _stats.LoseRefusedForEvict);

        void Count(ModelRules rule, ref long count)
        {
            if (fired.HasFlag(rule))
            {
                Interlocked.Increment(ref count);
            }
        }
    }

    private void Tally(ArrivalResult result)
    {
        switch (result)
        {
            case { Kind: ArrivalOutcomeKind.Evicted }:
                Interlocked.Increment(ref _stats.Evictions);
                break;
            case { Kind: ArrivalOutcomeKind.Broken, Reason: BrokenBarrierReason.ParticipantLost }:
                Interlocked.Increment(ref _stats.LostBreaks);
                break;
            case { Kind: ArrivalOutcomeKind.Broken, Reason: BrokenBarrierReason.Timeout }:
                Interlocked.Increment(ref _stats.TimeoutBreaks);
                break;
        }
    }

    private static bool Same(ArrivalResult a, ArrivalResult b)
        => a.Kind == b.Kind && a.Index == b.Index && a.Phase == b.Phase && a.Reason == b.Reason && a.Units == b.Units && a.Offered == b.Offered
            && (a.Lost is null) == (b.Lost is null)
            && (a.Lost is null || (a.Lost.Distinct().Count() == a.Lost.Count && a.Lost.Order(StringComparer.Ordinal).SequenceEqual(b.Lost!.Order(StringComparer.Ordinal))));

    private void Expect<T>(string what, T expected, T actual)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            Fail($"{what} differs", $"{expected}", $"{actual}");
        }
    }

    private void Fail(string what, string expected, string actual)
        => Assert.Fail($"Step {_step} ({_scenario.Operations[_step]}): {what}.{Environment.NewLine}  expected: {expected}{Environment.NewLine}  machine:  {actual}{Environment.NewLine}What happened:{Environment.NewLine}{_trace}");

    private void Trace(string line) => _trace.AppendLine(CultureInfo.InvariantCulture, $"  {_step,2}: {line}");

    private string Who(ArrivalId arrival) => _handles.Find(h => h.Id == arrival) is { } h ? $"#{h.Number}" : $"stranger {arrival}";

    private ArrivalId UnknownId() => new(new Guid(-1 - _unknownIds++, 0, 0, new byte[8]));

    private string Elapsed() => $"{(_now - BarrierTestKit.T0).TotalMilliseconds}ms";

    private static string Text(ArrivalResult r) => r.Kind switch
    {
        ArrivalOutcomeKind.Released when r.Units != 1 => $"Released(indices {r.Index}..{r.Index + r.Units - 1}, phase {r.Phase})",
        ArrivalOutcomeKind.Released => $"Released(index {r.Index}, phase {r.Phase})",
        ArrivalOutcomeKind.Broken when r.Lost is { } lost => $"Broken({r.Reason} [{string.Join(",", lost)}], phase {r.Phase})",
        ArrivalOutcomeKind.Broken => $"Broken({r.Reason}, phase {r.Phase})",
        _ => $"{r.Kind}(phase {r.Phase})",
    };

    private static string Text(TimeSpan? span) => span is null ? "none" : span == Timeout.InfiniteTimeSpan ? "infinite" : $"{span.Value.TotalMilliseconds}ms";

    private static TimeSpan? Finite(TimeSpan? span) => span == Timeout.InfiniteTimeSpan ? null : span;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>A participant's handle for one arrival: what it sent first, and which incarnation answered it last.</summary>
    private sealed class Handle(int number, ArrivalTerms terms, DateTimeOffset? timeoutAt)
    {
        public int Number { get; } = number;

        public ArrivalId Id { get; } = new(new Guid(number, 0, 0, new byte[8]));

        /// <summary>What it sends: its first terms, with fewer units after a withdrawal.</summary>
        public ArrivalTerms Terms { get; set; } = terms;

        public DateTimeOffset? TimeoutAt { get; } = timeoutAt;

        public int AnsweredBy { get; set; } = -1;
    }
}

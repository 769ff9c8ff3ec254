using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Barrier.Testing;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Crashes the silo that hosts one long-lived barrier, round after round, at random moments: while the barrier
/// fills, and right around its release. Waiters are grains on the surviving silos and the client. Every round is
/// checked against the barrier's rules, and the phase must count every release exactly once across all the crashes,
/// because the barrier's stored state outlives its silos (<see cref="SharedGrainStorage"/>, reached through
/// <see cref="RemoteGrainStorage"/>, so that a kill can also lose a write, or let it land late or unacknowledged; or,
/// on <see cref="BarrierShape.SingleGrainOnRedis"/>, a real Redis through Orleans' provider, killed mid-write as it comes).
/// What each arrival was told is read off the wire by <see cref="ArrivalOutcomeLedger"/>. Run over every
/// <see cref="BarrierShape"/> by the nested classes at the end: on tiers the shards that ran on the killed silo die
/// with it, and their participants re-attach to the next activations and must be counted once. On tiers every other
/// round (where one exists) kills a silo that hosts shards but not the barrier grain instead: the root lives on and
/// hears the shards' next activations re-attach the same participants, or recall those whose answers died.
/// </summary>
/// <remarks>
/// Time-boxed: <c>BARRIER_CRASH_ROUNDS_SECONDS</c> (default 150) bounds the run over all shapes, split evenly between them, <c>BARRIER_CRASH_ROUNDS</c>
/// optionally caps the rounds, <c>BARRIER_CRASH_ROUNDS_SEED</c> replays a run's random choices (not its timing),
/// <c>BARRIER_CRASH_ROUNDS_VERBOSE=1</c> prints every round's timeline, not only failed ones. The test owns its
/// cluster (it destroys part of it every round) and keeps the barrier off the primary silo, which cannot be killed.
/// </remarks>
public abstract class CrashRoundsTests(ITestOutputHelper output, BarrierShape shape) : IAsyncLifetime
{
    private const int Parties = 6;
    private const int ParticipantGrains = 16;
    private const int MaxFailures = 3;

    // The run's time budget is shared by the shapes, so a shape added costs rounds of the others, not CI time.
    private const int Shapes = 3;

    // Around the release the kill starts between this long before and this long after the last arrival is sent, so
    // that sometimes the release is stored and answered, sometimes stored and not answered, sometimes not stored.
    private const int KillEarliestMs = -10;
    private const int KillLatestMs = 20;

    // The fixture's. TestCluster's kill marks the silo Stopping, so it is never declared dead quickly (faster
    // membership probing changed nothing, measured) and the polls it held end only at this timeout: a round with a
    // kill takes about this long to recover. Shorter would squeeze a client waiter's re-attach window (2 x this),
    // which must cover a held poll (half of this), its timeout and the barrier's move.
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan StorageLatency = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan RoundBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SiloBound = TimeSpan.FromMinutes(2);

    private readonly BarrierShape _shape = shape.SkipUnlessAvailable();
    private readonly string _name = $"crash-rounds-{Guid.NewGuid():N}";
    private TestCluster _cluster = null!;
    private Task<SiloHandle>? _replacement;

    private enum KillMoment
    {
        None,
        WhileFilling,
        AroundRelease,
    }

    private enum KillTarget
    {
        /// <summary>The silo of the barrier grain (and of whichever shards share it).</summary>
        Root,

        /// <summary>A silo that hosts shards of the barrier but not the barrier grain.</summary>
        ShardsOnly,
    }

    public async Task InitializeAsync()
    {
        ArrivalOutcomeLedger.Watch(_name);
        // On tiers a spare secondary: the shards a kill takes down come back while its replacement starts, so with one
        // surviving secondary they would all join the barrier grain there and no silo would host shards only.
        _cluster = await _shape.Storage.DeployAsync(silos: _shape.Shards is null ? (short)3 : (short)4, builder =>
        {
            builder.AddSiloBuilderConfigurator<SiloConfigurator>();
            builder.AddClientBuilderConfigurator<ClientConfigurator>();
            if (_shape.Storage.IsInProcess)
            {
                builder.AddSiloBuilderConfigurator<RemoteStorageConfigurator>();
            }

            if (_shape.Shards is not null)
            {
                builder.AddSiloBuilderConfigurator<ShardsOnSecondarySilos>();
            }
        });
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_replacement is { } starting)
            {
                await starting.WaitAsync(SiloBound);
            }
        }
        finally
        {
            await BarrierClusterFixture.ShutDownAsync(_cluster);
            ArrivalOutcomeLedger.Forget(_name);
        }
    }

    [SkippableFact]
    public async Task WaitAsync_HostSiloKilledAtRandomMomentsEveryRound_EachRoundReleasesEveryWaiterOnceAndPhaseCountsEveryRelease()
    {
        var budget = TimeSpan.FromSeconds((ReadSetting("BARRIER_CRASH_ROUNDS_SECONDS") ?? 150) / (double)Shapes);
        var maxRounds = ReadSetting("BARRIER_CRASH_ROUNDS") ?? int.MaxValue;
        var seed = ReadSetting("BARRIER_CRASH_ROUNDS_SEED") ?? Random.Shared.Next();
        var verbose = ReadSetting("BARRIER_CRASH_ROUNDS_VERBOSE") is > 0;
        var random = new Random(seed);
        var barrier = _shape.GetBarrier(_cluster.Client, _name, Parties);
        var participants = Enumerable.Range(0, ParticipantGrains)
            .Select(i => _cluster.Client.GetGrain<IParticipantGrain>($"{_name}-participant-{i}"))
            .ToArray();
        var phase = (await barrier.GetStatusAsync().Bounded()).Phase;
        var tally = new Tally();
        var run = Stopwatch.StartNew();
        output.WriteLine($"barrier {_name} ({_shape}), {Parties} parties, budget {budget.TotalSeconds:F0}s, seed {seed}");

        while (run.Elapsed < budget && tally.Rounds < maxRounds && tally.Failures.Count < MaxFailures)
        {
            var round = await RunRoundAsync(barrier, participants, tally.Rounds + 1, phase, random);
            tally.Add(round);
            if (round.Problems.Count == 0)
            {
                if (verbose)
                {
                    output.WriteLine(round.Describe());
                }

                phase++;
                continue;
            }

            output.WriteLine(round.Describe());
            phase = await RecoverAsync(barrier, round);
        }

        output.WriteLine(tally.Summarize(run.Elapsed));
        if (_shape.Storage.IsInProcess)
        {
            var refused = SharedGrainStorage.RejectedWrites(_name);
            output.WriteLine(
                $"storage: {RemoteGrainStorage.Unsent} writes lost unsent, {RemoteGrainStorage.Unanswered} stored with the reply lost, " +
                $"{RemoteGrainStorage.Late} landed late from a dead silo ({RemoteGrainStorage.LateRefused} of them refused: the barrier had moved on), " +
                $"{RemoteGrainStorage.Slow} slow writes; {refused - RemoteGrainStorage.LateRefused} writes of live activations refused (fenced off by a late write)");
        }
        Assert.True(tally.Rounds > 0, "No round ran.");
        Assert.True(tally.Failures.Count == 0, $"{tally.Failures.Count} of {tally.Rounds} rounds broke the barrier's rules (seed {seed}):{Environment.NewLine}{string.Join(Environment.NewLine, tally.Failures)}");
        using var bound = new CancellationTokenSource(RoundBound);
        var final = await GetStatusThroughFailuresAsync(barrier, bound.Token);
        Assert.Equal(tally.Rounds, final.Phase);
    }

    private async Task<Round> RunRoundAsync(IDistributedBarrier barrier, IParticipantGrain[] participants, int number, long phase, Random random)
    {
        var round = new Round(number, phase, ArrivalOutcomeLedger.For(_name).Count);
        using var bound = new CancellationTokenSource(RoundBound);
        try
        {
            await PlayRoundAsync(round, barrier, participants, random, bound.Token);
        }
        catch (Exception exception)
        {
            round.Problems.Add($"the round itself failed: {exception}");
        }

        return round;
    }

    private async Task PlayRoundAsync(Round round, IDistributedBarrier barrier, IParticipantGrain[] participants, Random random, CancellationToken bound)
    {
        // The kill needs a secondary silo to move the barrier to; the one started after the previous kill must be up.
        if (_replacement is { } starting)
        {
            _replacement = null;
            var silo = await starting.WaitAsync(SiloBound, bound);
            round.Note($"replacement silo {silo.SiloAddress} is up");
        }

        var before = await GetStatusThroughFailuresAsync(barrier, bound);
        round.Note($"status: phase {before.Phase}, waiting {before.Waiting}, {before.State}, host {before.HostSilo}");
        if (before.Phase != round.PhaseBefore || before.Waiting != 0 || before.State != BarrierState.Filling)
        {
            round.Problems.Add($"before the round the barrier showed phase {before.Phase}, {before.Waiting} waiting, {before.State}; expected phase {round.PhaseBefore}, none waiting, filling");
        }

        var host = await ChooseVictimAsync(round, before.HostSilo, random, bound);
        var silos = await Task.WhenAll(participants.Select(p => ThroughFailuresAsync(p.GetSiloAsync, bound)));

        // Grain waiters only on silos that survive this round: a waiter that dies with its silo is not a live waiter.
        var victim = host?.SiloAddress.ToString() ?? before.HostSilo;
        var survivors = participants.Where((_, i) => silos[i] != victim).OrderBy(_ => random.Next()).ToList();
        round.Moment = host is null ? KillMoment.None : random.Next(2) == 0 ? KillMoment.WhileFilling : KillMoment.AroundRelease;
        round.ArrivedBeforeKill = round.Moment == KillMoment.WhileFilling ? random.Next(Parties) : Parties - 1;
        round.KillOffsetMs = random.Next(KillEarliestMs, KillLatestMs + 1);
        var grainWaiters = Enumerable.Range(0, Parties).Select(_ => random.Next(2) == 0).ToArray();

        var waits = round.Waits;
        void Arrive()
        {
            var i = waits.Count;
            if (grainWaiters[i] && survivors.Count > 0)
            {
                var grain = survivors[^1];
                survivors.RemoveAt(survivors.Count - 1);
                var who = $"w{i} grain {grain.GetPrimaryKeyString()[^14..]} on {silos[Array.IndexOf(participants, grain)]}";
                round.Note($"{who} arrives");
                waits.Add((who, WaitInGrainAsync(grain, bound)));
            }
            else
            {
                round.Note($"w{i} client arrives");
                // Not the round's bound: cancelling would take the arrival back, and the round must see it released.
                waits.Add(($"w{i} client", barrier.WaitAsync(CancellationToken.None)));
            }
        }

        for (var i = 0; i < round.ArrivedBeforeKill; i++)
        {
            Arrive();
        }

        await barrier.WaitForWaitingAsync(round.ArrivedBeforeKill, RoundBound).WaitAsync(bound);
        round.Note($"{round.ArrivedBeforeKill} waiting");
        if (host is null)
        {
            round.Note("the barrier is on the primary silo, which cannot be killed: no kill this round");
            Arrive();
        }
        else if (round.Moment == KillMoment.WhileFilling)
        {
            await KillAsync(round, host);
            while (waits.Count < Parties)
            {
                Arrive();
            }
        }
        else if (round.KillOffsetMs < 0)
        {
            var killing = KillAsync(round, host);
            await Task.Delay(-round.KillOffsetMs, bound);
            Arrive();
            await killing;
        }
        else
        {
            Arrive();
            if (round.KillOffsetMs > 0)
            {
                await Task.Delay(round.KillOffsetMs, bound);
            }

            await KillAsync(round, host);
        }

        try
        {
            await Task.WhenAll(waits.Select(w => w.Wait)).WaitAsync(bound);
            round.Note("every waiter has an outcome");
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Each wait's own outcome is checked below.
            round.Note($"not every waiter was released: {exception.GetType().Name}");
        }

        round.Released = Stopwatch.GetTimestamp();

        // A fresh bound: the round's own may have run out on a waiter that was never released.
        using var statusBound = new CancellationTokenSource(RoundBound);
        var after = await GetStatusThroughFailuresAsync(barrier, statusBound.Token);
        round.Note($"status: phase {after.Phase}, waiting {after.Waiting}, {after.State}, host {after.HostSilo}");
        Check(round, after);

        if (_cluster.Primary is { } primary && after.HostSilo == primary.SiloAddress.ToString() && round.Problems.Count == 0)
        {
            // Placement puts the barrier on the primary only when it sees no secondary active (one started a moment
            // ago may not count yet), and there no kill reaches it: a run stuck there stopped killing for good. Its
            // state is stored, so collect it; its next activation goes to a secondary.
            await _cluster.Client.GetGrain<IManagementGrain>(0).ForceActivationCollection([primary.SiloAddress], TimeSpan.Zero, statusBound.Token).WaitAsync(statusBound.Token);
            round.Note("the barrier was on the primary: its activations there collected");
        }
    }

    /// <summary>The rules every round must keep, whatever was killed when.</summary>
    private void Check(Round round, BarrierStatus after)
    {
        var releasedPhase = round.PhaseBefore + 1;
        var indices = new List<int>();
        foreach (var (who, wait) in round.Waits)
        {
            if (wait.IsCompletedSuccessfully)
            {
                indices.Add(wait.Result);
                round.Note($"{who} released with index {wait.Result}");
            }
            else
            {
                round.Problems.Add($"{who} was not released: {(wait.IsCompleted ? wait.Exception?.InnerException?.ToString() ?? "cancelled" : $"still waiting after {RoundBound.TotalSeconds:F0}s")}");
            }
        }

        if (!indices.Order().SequenceEqual(Enumerable.Range(0, Parties)))
        {
            round.Problems.Add($"the indices returned are [{string.Join(", ", indices.Order())}], not a permutation of [0, {Parties})");
        }

        // What the barrier told each arrival, as the callers received it: one answer per arrival, all in this phase.
        var recorded = ArrivalOutcomeLedger.For(_name).Skip(round.LedgerStart).ToList();
        round.Answers = recorded;

        // A shard's recall asks after a member of an arrival that died with its activation: the barrier either
        // remembers the member released in this phase, or knows nothing of it (the member then arrives again).
        foreach (var recall in recorded.Where(a => a.Recall && a.Outcome.Kind != ArrivalOutcomeKind.Unknown && (a.Outcome.Kind != ArrivalOutcomeKind.Released || a.Outcome.Phase != releasedPhase)))
        {
            round.Problems.Add($"a recall of member {recall.Arrival} was answered {Describe(recall.Outcome)}; expected its release in phase {releasedPhase} or unknown");
        }

        var answers = recorded.Where(a => !a.Recall).ToList();
        foreach (var twice in answers.GroupBy(a => a.Arrival).Where(g => g.Select(a => (a.Outcome.Kind, a.Outcome.Index, a.Outcome.Phase)).Distinct().Count() > 1))
        {
            round.Problems.Add($"arrival {twice.Key} got different answers: {string.Join("; ", twice.Select(a => Describe(a.Outcome)))}");
        }

        var released = answers.Where(a => a.Outcome.Kind == ArrivalOutcomeKind.Released).DistinctBy(a => a.Arrival).ToList();
        foreach (var other in answers.Where(a => a.Outcome.Kind != ArrivalOutcomeKind.Released || a.Outcome.Phase != releasedPhase))
        {
            round.Problems.Add($"arrival {other.Arrival} was answered {Describe(other.Outcome)}; every arrival of this round must be released in phase {releasedPhase}");
        }

        // A client's waiters may go as one coalesced arrival, released with a run of indices. A shard member whose
        // arrival's answer died with the shard (or with the root) learns its index from a recall instead; a member may
        // also be recalled when its arrival's answer did reach the dying shard, so an index may come from both, never
        // two different ones (each waiter's own index is checked above).
        var recalled = recorded.Where(a => a.Recall && a.Outcome.Kind == ArrivalOutcomeKind.Released && a.Outcome.Phase == releasedPhase);
        var arrivalIndices = released.SelectMany(a => Enumerable.Range(a.Outcome.Index, Math.Max(a.Outcome.Units, 1))).ToList();
        if (arrivalIndices.Distinct().Count() != arrivalIndices.Count)
        {
            round.Problems.Add($"two arrivals were released with the same index: [{string.Join(", ", arrivalIndices.Order())}]");
        }

        var releasedIndices = arrivalIndices.Concat(recalled.Select(a => a.Outcome.Index)).Distinct().Order().ToList();
        if (releasedIndices.Count != Parties || !releasedIndices.SequenceEqual(Enumerable.Range(0, Parties)))
        {
            round.Problems.Add($"{released.Count} arrivals were released for {releasedIndices.Count} participants, with indices [{string.Join(", ", releasedIndices)}]; expected {Parties} with a permutation of [0, {Parties})");
        }

        if (after.Phase != releasedPhase || after.Waiting != 0 || after.State != BarrierState.Filling)
        {
            round.Problems.Add($"after the round the barrier showed phase {after.Phase}, {after.Waiting} waiting, {after.State}; expected phase {releasedPhase}, none waiting, filling");
        }

        if (round.KilledAt is { } killedAt)
        {
            round.AnsweredBeforeKilled = released.Count(a => a.ReceivedAt <= killedAt);
        }
    }

    /// <summary>
    /// The silo to kill this round: the barrier grain's, or on tiers, every other round, a secondary silo that hosts
    /// some of the barrier's active shards and not the barrier grain (the root's silo if there is no such silo).
    /// Null if the barrier grain is on the primary, which cannot be killed, and no other silo qualifies.
    /// </summary>
    private async Task<SiloHandle?> ChooseVictimAsync(Round round, string? rootHost, Random random, CancellationToken bound)
    {
        var root = _cluster.SecondarySilos.FirstOrDefault(s => s.SiloAddress.ToString() == rootHost);
        if (_shape.Shards is null || random.Next(2) == 0)
        {
            return root;
        }

        // Shards are placed at random over the silos and activated by their first wait, so look where they are now;
        // those of a silo killed earlier come back wherever their next wait puts them.
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var shardSilos = new List<string>();
        foreach (var key in _shape.ShardKeys(_name))
        {
            var shard = _cluster.Client.GetGrain<IBarrierShardGrain>(key);
            if (await ThroughFailuresAsync(async () => (await management.GetActivationAddress(shard))?.ToString(), bound) is { } at)
            {
                shardSilos.Add(at);
            }
        }

        var shardsOnly = _cluster.SecondarySilos
            .Where(s => s.SiloAddress.ToString() != rootHost && shardSilos.Contains(s.SiloAddress.ToString()))
            .ToList();
        round.Note($"shards active on [{string.Join(", ", shardSilos)}]; {shardsOnly.Count} secondary silos host shards only");
        if (shardsOnly.Count == 0)
        {
            return root;
        }

        round.Target = KillTarget.ShardsOnly;
        return shardsOnly[random.Next(shardsOnly.Count)];
    }

    private async Task KillAsync(Round round, SiloHandle host)
    {
        round.Note($"killing {(round.Target == KillTarget.Root ? "the barrier grain's silo" : "a silo with shards only")} {host.SiloAddress}");
        var killing = Stopwatch.GetTimestamp();
        await _cluster.KillSiloAsync(host).WaitAsync(SiloBound);
        round.KilledAt = Stopwatch.GetTimestamp();
        round.KillDuration = Stopwatch.GetElapsedTime(killing);
        if (_shape.Storage.IsInProcess)
        {
            round.StorageRead = true;
            round.StoredPhaseAtKill = SharedGrainStorage.StoredPhase(_name);
            round.Note($"silo killed; storage holds phase {round.StoredPhaseAtKill}");
        }
        else
        {
            round.Note("silo killed");
        }

        // A new port: the port allocator would otherwise hand out the port of a silo that is still running.
        _replacement = _cluster.StartAdditionalSiloAsync(startAdditionalSiloOnNewPort: true);
    }

    /// <summary>After a failed round: wake whoever still waits, let every wait end, and carry on from the barrier's own phase.</summary>
    private async Task<long> RecoverAsync(IDistributedBarrier barrier, Round round)
    {
        using var bound = new CancellationTokenSource(RoundBound);
        await ThroughFailuresAsync(async () => { await barrier.ResetAsync(); return true; }, bound.Token);
        try
        {
            await Task.WhenAll(round.Waits.Select(w => w.Wait)).WaitAsync(bound.Token);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The reset breaks the waits that were still stuck; that is the point.
        }

        var status = await GetStatusThroughFailuresAsync(barrier, bound.Token);
        output.WriteLine($"recovered: the barrier carries on from phase {status.Phase}");
        return status.Phase;
    }

    private async Task<int> WaitInGrainAsync(IParticipantGrain grain, CancellationToken bound)
    {
        var ticket = Guid.NewGuid();
        await ThroughFailuresAsync(async () => { await grain.BeginWaitAsync(_name, Parties, ticket, _shape.Topology, _shape.Shards); return true; }, bound);
        while (true)
        {
            if (await ThroughFailuresAsync(() => grain.GetWaitOutcomeAsync(ticket), bound) is { } outcome)
            {
                return outcome.Index ?? throw new InvalidOperationException(outcome.Error);
            }

            await Task.Delay(20, bound);
        }
    }

    private static Task<BarrierStatus> GetStatusThroughFailuresAsync(IDistributedBarrier barrier, CancellationToken bound)
        => ThroughFailuresAsync(() => barrier.GetStatusAsync(bound), bound);

    /// <summary>Calls until a call succeeds: while a killed silo is being declared dead, calls that touch it fail.</summary>
    private static async Task<T> ThroughFailuresAsync<T>(Func<Task<T>> call, CancellationToken bound)
    {
        while (true)
        {
            try
            {
                return await call().WaitAsync(bound);
            }
            catch (Exception exception) when (!bound.IsCancellationRequested && exception is not OutOfMemoryException)
            {
                await Task.Delay(50, bound);
            }
        }
    }

    private static string Describe(ArrivalOutcome outcome)
        => $"{outcome.Kind} index {outcome.Index} phase {outcome.Phase} by incarnation {outcome.Incarnation}";

    private static int? ReadSetting(string name)
        => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>One round: what was planned, what happened, and what broke the rules.</summary>
    private sealed class Round(int number, long phaseBefore, int ledgerStart)
    {
        private readonly long _started = Stopwatch.GetTimestamp();
        private readonly ConcurrentQueue<string> _timeline = new();

        public int Number { get; } = number;

        public long PhaseBefore { get; } = phaseBefore;

        public int LedgerStart { get; } = ledgerStart;

        public KillMoment Moment { get; set; }

        public KillTarget Target { get; set; }

        public int ArrivedBeforeKill { get; set; }

        public int KillOffsetMs { get; set; }

        public long? KilledAt { get; set; }

        public TimeSpan KillDuration { get; set; }

        public long? StoredPhaseAtKill { get; set; }

        /// <summary>Whether <see cref="StoredPhaseAtKill"/> was read (only the in-process storage can be).</summary>
        public bool StorageRead { get; set; }

        public int AnsweredBeforeKilled { get; set; }

        public long Released { get; set; }

        public List<(string Who, Task<int> Wait)> Waits { get; } = [];

        public List<ArrivalOutcomeLedger.RecordedOutcome> Answers { get; set; } = [];

        public List<string> Problems { get; } = [];

        public TimeSpan Duration => Stopwatch.GetElapsedTime(_started, Released == 0 ? Stopwatch.GetTimestamp() : Released);

        /// <summary>From the end of the kill until every waiter had its outcome.</summary>
        public TimeSpan? Recovery => KilledAt is { } killed && Released != 0 ? Stopwatch.GetElapsedTime(killed, Released) : null;

        public string Kind => Moment switch
        {
            KillMoment.None => "no kill (barrier on the primary)",
            KillMoment.WhileFilling => $"{Victim}while filling, {ArrivedBeforeKill} of {Parties} arrived",

            // What storage held at the kill tells only when the barrier grain died, and only storage this process reads.
            _ when !StorageRead || Target == KillTarget.ShardsOnly => $"{Victim}around the release: {Answered}",
            _ when StoredPhaseAtKill != PhaseBefore + 1 => "around the release: release not stored when the kill ended",
            _ => $"around the release: release stored, {Answered}",
        };

        private string Victim => Target == KillTarget.ShardsOnly ? "shards' silo " : string.Empty;

        private string Answered => AnsweredBeforeKilled switch
        {
            0 => "nobody answered before the kill ended",
            < Parties => "some answered before the kill ended",
            _ => "all answered before the kill ended",
        };

        public void Note(string what) => _timeline.Enqueue($"{Stopwatch.GetElapsedTime(_started).TotalMilliseconds,8:F1} ms  {what}");

        public string Describe()
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"ROUND {Number} {(Problems.Count > 0 ? "FAILED" : "passed")} (phase before {PhaseBefore}; kill {Kind}; offset {KillOffsetMs} ms; kill took {KillDuration.TotalMilliseconds:F0} ms):");
            foreach (var problem in Problems)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - {problem}");
            }

            text.AppendLine("  timeline:");
            foreach (var line in _timeline)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {line}");
            }

            text.AppendLine("  answers received (ms since round start):");
            foreach (var answer in Answers)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {Stopwatch.GetElapsedTime(_started, answer.ReceivedAt).TotalMilliseconds,8:F1} ms  arrival {answer.Arrival}: {CrashRoundsTests.Describe(answer.Outcome)}");
            }

            return text.ToString();
        }
    }

    /// <summary>Counts over the whole run.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<string, int> _byKind = new(StringComparer.Ordinal);
        private readonly List<TimeSpan> _recoveries = [];
        private readonly List<TimeSpan> _kills = [];

        public int Rounds { get; private set; }

        public List<string> Failures { get; } = [];

        public void Add(Round round)
        {
            Rounds++;
            _byKind[round.Kind] = _byKind.GetValueOrDefault(round.Kind) + 1;
            if (round.Recovery is { } recovery)
            {
                _recoveries.Add(recovery);
                _kills.Add(round.KillDuration);
            }

            if (round.Problems.Count > 0)
            {
                Failures.Add($"round {round.Number} ({round.Kind}): {string.Join(" | ", round.Problems)}");
            }
        }

        public string Summarize(TimeSpan elapsed)
        {
            var text = new StringBuilder();
            text.AppendLine(CultureInfo.InvariantCulture, $"{Rounds} rounds in {elapsed.TotalSeconds:F0}s ({Rounds / elapsed.TotalMinutes:F1} rounds/min), {_recoveries.Count} kills, {Failures.Count} failed rounds");
            foreach (var (kind, count) in _byKind.OrderBy(k => k.Key, StringComparer.Ordinal))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {count,5}  {kind}");
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  kill took (ms): {Percentiles(_kills)}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  kill to all released (ms): {Percentiles(_recoveries)}");
            return text.ToString();
        }

        private static string Percentiles(List<TimeSpan> spans)
        {
            if (spans.Count == 0)
            {
                return "none";
            }

            var sorted = spans.Select(s => s.TotalMilliseconds).Order().ToList();
            double At(double q) => sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(q * sorted.Count))];
            return $"min {sorted[0]:F0}, median {At(0.5):F0}, p95 {At(0.95):F0}, max {sorted[^1]:F0}";
        }
    }

    private sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            siloBuilder.PlaceOnSecondarySilos(GrainType.Create("barrier"));
            siloBuilder.AddOutgoingGrainCallFilter<ArrivalOutcomeLedger>();
            siloBuilder.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        }
    }

    /// <summary>The in-process storage as a silo reaches it across a network, so that a kill can lose a write or let it land late.</summary>
    private sealed class RemoteStorageConfigurator : ISiloConfigurator
    {
        // Registered after the fixture's shared storage, so the barriers get this one: the same records, reached
        // with lag, and out of reach of a killed silo.
        public void Configure(ISiloBuilder siloBuilder)
            => siloBuilder.Services.AddKeyedSingleton<IGrainStorage>(
                SharedGrainStorage.Name,
                (services, _) => new RemoteGrainStorage(
                    ActivatorUtilities.CreateInstance<SharedGrainStorage>(services),
                    services.GetRequiredService<DeepCopier>(),
                    StorageLatency,
                    services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping));
    }

    /// <summary>
    /// Shards off the primary too: a shard placed there would never die, and shards that came back from a kill while
    /// the primary was a candidate gathered there round by round, until no kill reached a shard.
    /// </summary>
    private sealed class ShardsOnSecondarySilos : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => siloBuilder.PlaceOnSecondarySilos(GrainType.Create("barrier-shard"));
    }

    private sealed class ClientConfigurator : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
        {
            clientBuilder.AddOutgoingGrainCallFilter<ArrivalOutcomeLedger>();
            clientBuilder.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        }
    }

    /// <summary>The contract on the single-grain shape.</summary>
    public sealed class OnSingleGrain(ITestOutputHelper output) : CrashRoundsTests(output, BarrierShape.SingleGrain);

    /// <summary>The contract on the tiered shape.</summary>
    public sealed class OnTiers(ITestOutputHelper output) : CrashRoundsTests(output, BarrierShape.Tiered);

    /// <summary>The contract on the single-grain shape with its state in Redis.</summary>
    public sealed class OnRedis(ITestOutputHelper output) : CrashRoundsTests(output, BarrierShape.SingleGrainOnRedis);
}

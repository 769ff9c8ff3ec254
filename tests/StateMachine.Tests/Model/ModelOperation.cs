using CsCheck;

namespace Orleans.Barrier.Tests.Model;

/// <summary>
/// One generated step of a model test. Steps that act on an earlier arrival pick it by a number that the run
/// reduces modulo the arrivals seen so far, so any sequence is meaningful and shrinking never makes one invalid.
/// </summary>
internal abstract record ModelOperation
{
    private const int Participants = 4;

    /// <summary>Shards of a tiered barrier, each with this many members that its arrivals stand for in turn.</summary>
    public const int Shards = 2;

    public const int MembersPerShard = 4;

    /// <summary>Timeouts end 3 ms past a 10 ms step and leases 7 ms past one, while time moves in 10 ms steps,
    /// so a timeout and a lease never run out at the same instant (which one wins a tie is not specified).</summary>
    private static readonly Gen<TimeSpan?> TimeoutGen = Gen.Frequency<TimeSpan?>(
        (3, Gen.Const((TimeSpan?)null)),
        (1, Gen.Const<TimeSpan?>(Timeout.InfiniteTimeSpan)),
        (1, Gen.Const<TimeSpan?>(TimeSpan.Zero)),
        (4, Gen.Int[0, 300].Select(k => (TimeSpan?)TimeSpan.FromMilliseconds((k * 10) + 3))));

    private static readonly Gen<TimeSpan?> LeaseGen = Gen.Frequency<TimeSpan?>(
        (2, Gen.Const((TimeSpan?)null)),
        (1, Gen.Const<TimeSpan?>(Timeout.InfiniteTimeSpan)),
        (5, Gen.Int[50, 300].Select(k => (TimeSpan?)TimeSpan.FromMilliseconds((k * 10) + 7))));

    /// <summary>Mostly single arrivals; now and then a coalesced one standing for several participants (capped at the party count by the run).</summary>
    private static readonly Gen<int> UnitsGen = Gen.Frequency<int>((6, Gen.Const(1)), (3, Gen.Int[2, 4]));

    /// <summary>Which activation of a shard speaks, against the newest the run has started: mostly it, sometimes a newer one, now and then an older one still running.</summary>
    private static readonly Gen<int> EpochStepGen = Gen.Frequency<int>((5, Gen.Const(0)), (2, Gen.Const(1)), (1, Gen.Const(-1)));

    private static readonly Gen<ParticipantLossPolicy> PolicyGen = Gen.Bool.Select(evict => evict ? ParticipantLossPolicy.Evict : ParticipantLossPolicy.Break);

    /// <summary>Any step, weighted so that barriers fill, renew, expire and release often and reset or crash now and then.</summary>
    public static readonly Gen<ModelOperation> Generator = Gen.Frequency<ModelOperation>(
        (30, Gen.Select(Gen.Int[0, Participants - 1], TimeoutGen, LeaseGen, PolicyGen, UnitsGen, (p, t, l, onLost, units) => (ModelOperation)new ArriveNew(p, t, l, onLost, units))),
        (14, Gen.Select(Gen.Int[0, Shards - 1], EpochStepGen, Gen.Int[0, MembersPerShard - 1], Gen.Int[1, MembersPerShard], TimeoutGen, LeaseGen, PolicyGen, (shard, step, first, units, t, l, onLost) => (ModelOperation)new ArriveFromShard(shard, step, first, units, t, l, onLost))),
        (6, Gen.Select(Gen.Int[0, Shards - 1], EpochStepGen, Gen.Int[0, MembersPerShard - 1], (shard, step, member) => (ModelOperation)new Recall(shard, step, member))),
        (6, Gen.Select(Gen.Int[0, 1000], Gen.Int[1, 3], Gen.Frequency<bool>((3, Gen.Const(false)), (1, Gen.Const(true))), Gen.Frequency<bool>((1, Gen.Const(false)), (3, Gen.Const(true))), (pick, count, stranger, waiting) => (ModelOperation)new Lose(pick, count, stranger, waiting))),
        (6, Gen.Select(Gen.Int[0, 1000], Gen.Int[1, 3], (pick, by) => (ModelOperation)new Withdraw(pick, by))),
        (20, Gen.Select(Gen.Int[0, 1000], Gen.Bool, (pick, known) => (ModelOperation)new Reissue(pick, known))),
        (8, Gen.Int[0, 1000].Select(pick => (ModelOperation)new Cancel(pick))),
        (2, Gen.Const<ModelOperation>(new ReissueUnknown())),
        (2, Gen.Const<ModelOperation>(new CancelUnknown())),
        (20, Gen.Select(Gen.Int[0, 250], Gen.Bool, (k, tick) => (ModelOperation)new Advance(TimeSpan.FromMilliseconds(k * 10), tick))),
        (3, Gen.Const<ModelOperation>(new Reset())),
        (2, Gen.Const<ModelOperation>(new Abort())),
        (5, Gen.Const<ModelOperation>(new Crash())));

    private static string Span(TimeSpan? span) => span switch
    {
        null => "none",
        { } s when s == Timeout.InfiniteTimeSpan => "infinite",
        { } s => $"{s.TotalMilliseconds}ms",
    };

    /// <summary>A new arrival by participant <c>p{Participant}</c>, standing for <paramref name="Units"/> participants (a coalesced arrival when more than 1).</summary>
    public sealed record ArriveNew(int Participant, TimeSpan? Timeout, TimeSpan? Lease, ParticipantLossPolicy OnLost, int Units = 1) : ModelOperation
    {
        public override string ToString() => $"arrive new p{Participant} timeout={Span(Timeout)} lease={Span(Lease)} onLost={OnLost} units={Units}";
    }

    /// <summary>
    /// A new arrival from shard <c>s{Shard}</c>'s activation <paramref name="EpochStep"/> epochs from the newest the run has
    /// started, standing for <paramref name="Units"/> of its members (capped at the party count) from member
    /// <paramref name="FirstMember"/> on, each with its own name and id.
    /// </summary>
    public sealed record ArriveFromShard(int Shard, int EpochStep, int FirstMember, int Units, TimeSpan? Timeout, TimeSpan? Lease, ParticipantLossPolicy OnLost) : ModelOperation
    {
        public override string ToString() => $"arrive from shard s{Shard} epoch step {EpochStep:+0;-0;0} members from {FirstMember} units={Units} timeout={Span(Timeout)} lease={Span(Lease)} onLost={OnLost}";
    }

    /// <summary>Shard <c>s{Shard}</c>'s activation <paramref name="EpochStep"/> epochs from the newest asks what became of one of its members.</summary>
    public sealed record Recall(int Shard, int EpochStep, int Member) : ModelOperation
    {
        public override string ToString() => $"recall member {Member} of shard s{Shard} epoch step {EpochStep:+0;-0;0}";
    }

    /// <summary>
    /// <paramref name="Count"/> members of an earlier arrival reported lost (its names in turn, repeating if it has
    /// fewer), plus a name it does not stand for when <paramref name="Stranger"/>. With <paramref name="Waiting"/> the pick
    /// is among the arrivals waiting, if any (as a shard reports its own waiting members); otherwise among all.
    /// </summary>
    public sealed record Lose(int Pick, int Count, bool Stranger, bool Waiting) : ModelOperation
    {
        public override string ToString() => $"report {Count} member(s) of {(Waiting ? "waiting " : string.Empty)}arrival pick {Pick} lost{(Stranger ? " and a stranger" : string.Empty)}";
    }

    /// <summary>A re-issue of an earlier arrival with <paramref name="By"/> fewer units (members of a coalesced arrival withdrawn), never below 1.</summary>
    public sealed record Withdraw(int Pick, int By) : ModelOperation
    {
        public override string ToString() => $"withdraw {By} unit(s) of arrival pick {Pick}";
    }

    /// <summary>A re-issued poll of an earlier arrival; <paramref name="MustBeKnown"/> holds only if its handle was answered by the current incarnation.</summary>
    public sealed record Reissue(int Pick, bool MustBeKnown) : ModelOperation
    {
        public override string ToString() => $"re-issue arrival pick {Pick}{(MustBeKnown ? " with its incarnation" : string.Empty)}";
    }

    /// <summary>A cancellation of an earlier arrival (waiting, finished, or lost in a crash).</summary>
    public sealed record Cancel(int Pick) : ModelOperation
    {
        public override string ToString() => $"cancel arrival pick {Pick}";
    }

    /// <summary>A poll carrying an incarnation for an arrival this barrier never saw.</summary>
    public sealed record ReissueUnknown : ModelOperation
    {
        public override string ToString() => "re-issue a never-seen arrival with an incarnation";
    }

    /// <summary>A cancellation that overtook its own arrival.</summary>
    public sealed record CancelUnknown : ModelOperation
    {
        public override string ToString() => "cancel a never-seen arrival";
    }

    /// <summary>Time passes; with <paramref name="Tick"/> the deadline timer fires, otherwise nobody looks until the next call.</summary>
    public sealed record Advance(TimeSpan By, bool Tick) : ModelOperation
    {
        public override string ToString() => $"advance {By.TotalMilliseconds}ms{(Tick ? " and tick" : " silently")}";
    }

    /// <summary>Reset the barrier.</summary>
    public sealed record Reset : ModelOperation
    {
        public override string ToString() => "reset";
    }

    /// <summary>Abort the barrier.</summary>
    public sealed record Abort : ModelOperation
    {
        public override string ToString() => "abort";
    }

    /// <summary>The activation dies; a new one restores from the last snapshot, and live arrivals must re-attach.</summary>
    public sealed record Crash : ModelOperation
    {
        public override string ToString() => "crash and restore";
    }
}

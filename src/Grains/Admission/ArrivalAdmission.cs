namespace Orleans.Barrier;

/// <summary>
/// Where an arrival enters a silo from the wire, at the barrier grain or at a shard: each request is validated here
/// once, and what it leaves out (its lease, its name) is filled in here from the silo's <see cref="BarrierHostOptions"/>
/// and the caller. Both grains validate because a raw caller can send what a handle would refuse; both use these
/// methods, so a shard and the barrier it forwards to never read one request two ways.
/// </summary>
internal static class ArrivalAdmission
{
    /// <summary>An arrival at the barrier grain, from a handle, a coalescer or a shard, as the machine's terms.</summary>
    /// <param name="request">The request as received.</param>
    /// <param name="options">The silo's options, for the default lease.</param>
    /// <param name="caller">The caller's id as text, which names an unnamed arrival; null if it has none.</param>
    /// <param name="paramName">The parameter a refusal names.</param>
    public static ArrivalTerms AtBarrier(ArrivalRequest request, BarrierHostOptions options, string? caller, string paramName)
    {
        var lease = AdmitCommon(request, options, paramName);

        // Against the count it declared, when it carries one; the barrier's own definition checks it again either way.
        BarrierArguments.ThrowIfInvalidUnits(request.Units, request.Parties ?? int.MaxValue, paramName);
        BarrierArguments.ThrowIfInvalidMembers(request.Members, request.Units, paramName);
        BarrierArguments.ThrowIfInvalidSilo(request.Silo, paramName);
        BarrierArguments.ThrowIfInvalidShard(request.Shard, request.ShardEpoch, paramName);
        BarrierArguments.ThrowIfInvalidMemberIds(request.MemberIds, request.Units, paramName);
        return new ArrivalTerms(
            ParticipantName.Of(request.Participant, caller),
            request.Timeout,
            lease,
            request.OnParticipantLost,
            caller,
            Math.Max(request.Units, 1),
            request.Members,
            request.Silo,
            request.Shard,
            request.ShardEpoch,
            request.MemberIds);
    }

    /// <summary>A single participant's arrival at a shard of a tiered barrier, which coalesces it itself, as its terms.</summary>
    /// <param name="request">The request as received.</param>
    /// <param name="options">The silo's options, for the default lease.</param>
    /// <param name="caller">The caller's id as text, which names an unnamed arrival; null if it has none.</param>
    /// <param name="paramName">The parameter a refusal names.</param>
    public static ArrivalTerms AtShard(ArrivalRequest request, BarrierHostOptions options, string? caller, string paramName)
    {
        var lease = AdmitCommon(request, options, paramName);
        if (request.Units > 1 || request.Members is not null || request.MemberIds is not null || request.Silo is not null || request.Shard is not null)
        {
            throw new ArgumentException(
                "A barrier shard takes single participants' arrivals only (no units, members, member ids, silo or shard): it coalesces them itself.",
                paramName);
        }

        return new ArrivalTerms(ParticipantName.Of(request.Participant, caller), request.Timeout, lease, request.OnParticipantLost, caller);
    }

    /// <summary>What every arrival must hold, wherever it enters; returns its lease with the silo's default applied.</summary>
    private static TimeSpan? AdmitCommon(ArrivalRequest request, BarrierHostOptions options, string paramName)
    {
        ArgumentNullException.ThrowIfNull(request, paramName);
        if (request.Timeout is { } timeout)
        {
            BarrierArguments.ThrowIfInvalidTimeout(timeout, paramName);
        }

        BarrierArguments.ThrowIfInvalidPoll(request.MaxPoll, paramName);
        var lease = LeaseOf(request.Lease, options, paramName);
        BarrierArguments.ThrowIfInvalidParticipant(request.Participant, paramName);
        BarrierArguments.ThrowIfInvalidPolicy(request.OnParticipantLost, paramName);
        if (request.Parties is { } parties)
        {
            BarrierArguments.ThrowIfInvalidParties(parties, paramName);
        }

        return lease;
    }

    /// <summary>
    /// The lease an arrival runs under: the one it asked for, or the silo's <see cref="BarrierHostOptions.DefaultLeaseDuration"/>
    /// if it asked for none; null for no lease (<see cref="Timeout.InfiniteTimeSpan"/>).
    /// </summary>
    private static TimeSpan? LeaseOf(TimeSpan? requested, BarrierHostOptions options, string paramName)
    {
        var lease = requested ?? options.DefaultLeaseDuration;
        BarrierArguments.ThrowIfInvalidLease(lease, paramName);
        return lease == Timeout.InfiniteTimeSpan ? null : lease;
    }
}

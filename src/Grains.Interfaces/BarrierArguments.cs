namespace Orleans.Barrier;

/// <summary>Argument checks shared by the handle and the grain, so both reject bad input with the same words.</summary>
internal static class BarrierArguments
{
    public static void ThrowIfInvalidParties(int parties, string paramName)
    {
        if (parties < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, parties, $"A barrier needs at least 1 party; got {parties}.");
        }
    }

    public static void ThrowIfInvalidTimeout(TimeSpan timeout, string paramName)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, $"A barrier timeout must be zero or more, or Timeout.InfiniteTimeSpan; got {timeout}.");
        }
    }

    /// <summary>Names longer than this are refused: a barrier name is a grain key, sent with every message.</summary>
    public const int MaxNameLength = 1024;

    public static void ThrowIfInvalidName(string? name, string paramName)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A barrier name must not be null, empty or white space.", paramName);
        }

        if (name.Length > MaxNameLength)
        {
            throw new ArgumentException($"A barrier name may have at most {MaxNameLength} characters; got {name.Length}.", paramName);
        }
    }

    /// <summary>A lease is at least <see cref="BarrierOptions.MinLeaseDuration"/>, or <see cref="Timeout.InfiniteTimeSpan"/> for none.</summary>
    public static bool IsValidLease(TimeSpan lease) => lease == Timeout.InfiniteTimeSpan || lease >= BarrierOptions.MinLeaseDuration;

    public static void ThrowIfInvalidLease(TimeSpan lease, string paramName)
    {
        if (!IsValidLease(lease))
        {
            throw new ArgumentOutOfRangeException(
                paramName, lease, $"A barrier lease must be at least {BarrierOptions.MinLeaseDuration.TotalMilliseconds} ms, or Timeout.InfiniteTimeSpan for none; got {lease}.");
        }
    }

    public static void ThrowIfInvalidParticipant(string? participant, string paramName)
    {
        if (participant is null)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(participant) || participant.Length > BarrierOptions.MaxParticipantLength)
        {
            throw new ArgumentException(
                $"A participant name must be null (named by the caller's id) or 1 to {BarrierOptions.MaxParticipantLength} characters, not white space; got {participant.Length} characters.",
                paramName);
        }
    }

    public static void ThrowIfInvalidPoll(TimeSpan? poll, string paramName)
    {
        if (poll is { } p && p <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(paramName, p, $"A poll interval must be positive; got {p}.");
        }
    }

    /// <summary>A coalesced arrival stands for 1 to <paramref name="parties"/> participants (0 on the wire means 1).</summary>
    public static void ThrowIfInvalidUnits(int units, int parties, string paramName)
    {
        if (units < 0 || units > parties)
        {
            throw new ArgumentOutOfRangeException(paramName, units, $"An arrival stands for 1 to {parties} participants (the party count); got {units}.");
        }
    }

    /// <summary>A coalesced arrival's member names: one valid participant name per unit, or none.</summary>
    public static void ThrowIfInvalidMembers(IReadOnlyList<string>? members, int units, string paramName)
    {
        if (members is null)
        {
            return;
        }

        if (members.Count != Math.Max(units, 1))
        {
            throw new ArgumentException($"A coalesced arrival of {Math.Max(units, 1)} participants names {members.Count}; it must name each once.", paramName);
        }

        foreach (var member in members)
        {
            ThrowIfInvalidParticipant(member ?? throw new ArgumentException("A coalesced arrival's member name must not be null.", paramName), paramName);
        }
    }

    /// <summary>The silo a coalesced arrival's grain members run on: a silo address's text, or none.</summary>
    public static void ThrowIfInvalidSilo(string? silo, string paramName)
    {
        if (silo is not null && (string.IsNullOrWhiteSpace(silo) || silo.Length > BarrierOptions.MaxParticipantLength))
        {
            throw new ArgumentException(
                $"A coalesced arrival's silo must be null or 1 to {BarrierOptions.MaxParticipantLength} characters, not white space; got {silo.Length} characters.",
                paramName);
        }
    }

    /// <summary>A shard's coalesced arrival's member ids: one per unit, or none.</summary>
    public static void ThrowIfInvalidMemberIds(IReadOnlyList<Guid>? memberIds, int units, string paramName)
    {
        if (memberIds is not null && memberIds.Count != Math.Max(units, 1))
        {
            throw new ArgumentException($"A coalesced arrival of {Math.Max(units, 1)} participants carries {memberIds.Count} member ids; it must carry one each.", paramName);
        }
    }

    /// <summary>The shard a coalesced arrival came from: a shard grain's key and a non-negative epoch, or neither.</summary>
    public static void ThrowIfInvalidShard(string? shard, long epoch, string paramName)
    {
        if (shard is null ? epoch != 0 : string.IsNullOrWhiteSpace(shard) || shard.Length > 2048 || epoch < 0)
        {
            throw new ArgumentException(
                $"An arrival's shard must be null with epoch 0, or a shard key of 1 to 2048 characters with an epoch of 0 or more; got {shard?.Length ?? 0} characters, epoch {epoch}.",
                paramName);
        }
    }

    /// <summary>A report of lost participants: at least one name, each a valid participant name.</summary>
    public static void ThrowIfInvalidLost(IReadOnlyList<string>? lost, string paramName)
    {
        if (lost is null || lost.Count == 0)
        {
            throw new ArgumentException("A report of lost participants must name at least one.", paramName);
        }

        foreach (var name in lost)
        {
            ThrowIfInvalidParticipant(name ?? throw new ArgumentException("A lost participant's name must not be null.", paramName), paramName);
        }
    }

    public static void ThrowIfInvalidPolicy(ParticipantLossPolicy policy, string paramName)
    {
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(paramName, policy, $"Unknown participant loss policy {(int)policy}.");
        }
    }

    public static string PartyMismatch(string name, int existing, int requested)
        => $"Barrier '{name}' already exists with {existing} parties; this participant asked for {requested} parties.";
}

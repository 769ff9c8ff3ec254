namespace Orleans.Barrier;

/// <summary>
/// A barrier as kept in grain storage. Its own type with its own aliases, never a wire type reused: the stored
/// format must stay readable for as long as stored barriers exist, whatever the wire protocol becomes.
/// </summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.Stored.Barrier.v1")]
internal sealed class StoredBarrier
{
    [Id(0)]
    public int Parties { get; set; }

    [Id(1)]
    public long Phase { get; set; }

    /// <summary>Why it is broken, or null while usable.</summary>
    [Id(2)]
    public BrokenBarrierReason? BrokenReason { get; set; }

    [Id(3)]
    public List<string> LostParticipants { get; set; } = [];

    /// <summary>The arrival ids of the latest release's members, in index order.</summary>
    [Id(4)]
    public Guid[] LastRelease { get; set; } = [];

    [Id(5)]
    public long Version { get; set; }

    /// <summary>The distinct participant names of the latest release: one client's many tasks share one name, stored once.</summary>
    [Id(6)]
    public string[] ParticipantNames { get; set; } = [];

    /// <summary>For each member of <see cref="LastRelease"/>, its name's position in <see cref="ParticipantNames"/>.</summary>
    [Id(7)]
    public int[] LastReleaseNames { get; set; } = [];

    /// <summary>For each member of <see cref="LastRelease"/>, how many participants it stood for; null when every member was one (no coalesced arrivals).</summary>
    [Id(8)]
    public int[]? LastReleaseUnits { get; set; }

    /// <summary>For each member of <see cref="LastRelease"/> whose participants had names of their own, their positions in <see cref="ParticipantNames"/>; null when none had.</summary>
    [Id(9)]
    public int[]?[]? LastReleaseMembers { get; set; }

    /// <summary>For each member of <see cref="LastRelease"/>, how many units it stood for when released; null when each was taken whole.</summary>
    [Id(10)]
    public int[]? LastReleaseOffered { get; set; }

    /// <summary>
    /// The claim of the activation that wrote this: each activation writes the stored barrier back under the next
    /// epoch before it answers anything, so a write by any earlier one fails on the ETag. 0 in barriers stored before
    /// activations claimed.
    /// </summary>
    [Id(11)]
    public long Epoch { get; set; }

    /// <summary>
    /// For each member of <see cref="LastRelease"/> that came from a shard, its released members' own arrival ids, so a
    /// member is recalled with its index after the root restarts; null when no member came from a shard.
    /// </summary>
    [Id(12)]
    public Guid[]?[]? LastReleaseMemberIds { get; set; }

    public static StoredBarrier From(BarrierSnapshot snapshot, long epoch)
    {
        var release = snapshot.LastRelease;
        var arrivals = new Guid[release.Count];
        var nameIndices = new int[release.Count];
        int[]? units = null;
        int[]?[]? members = null;
        int[]? offered = null;
        Guid[]?[]? memberIds = null;
        var names = new List<string>();
        var nameIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < release.Count; i++)
        {
            arrivals[i] = release[i].Arrival.Value;
            nameIndices[i] = NameIndex(release[i].Participant);
            if (release[i].Units != 1)
            {
                units ??= [.. Enumerable.Repeat(1, release.Count)];
                units[i] = release[i].Units;
            }

            if (release[i].Offered > release[i].Units)
            {
                offered ??= [.. release.Select(r => r.Units)];
                offered[i] = release[i].Offered;
            }

            if (release[i].MemberIds is { } ids)
            {
                memberIds ??= new Guid[]?[release.Count];
                memberIds[i] = [.. ids];
            }

            if (release[i].Members is { } named)
            {
                members ??= new int[]?[release.Count];
                members[i] = [.. named.Select(NameIndex)];
            }
        }

        int NameIndex(string name)
        {
            if (!nameIndex.TryGetValue(name, out var position))
            {
                position = names.Count;
                names.Add(name);
                nameIndex.Add(name, position);
            }

            return position;
        }

        return new StoredBarrier
        {
            Parties = snapshot.Parties,
            Phase = snapshot.Phase,
            BrokenReason = snapshot.BrokenReason,
            LostParticipants = [.. snapshot.LostParticipants],
            LastRelease = arrivals,
            ParticipantNames = [.. names],
            LastReleaseNames = nameIndices,
            LastReleaseUnits = units,
            LastReleaseMembers = members,
            LastReleaseOffered = offered,
            LastReleaseMemberIds = memberIds,
            Version = snapshot.Version,
            Epoch = epoch,
        };
    }

    public BarrierSnapshot ToSnapshot() => new(
        Parties,
        Phase,
        BrokenReason,
        LostParticipants,
        [.. LastRelease.Select((arrival, i) => new ReleasedArrival(
            new ArrivalId(arrival),
            ParticipantNames[LastReleaseNames[i]],
            LastReleaseUnits?[i] ?? 1,
            LastReleaseMembers?[i] is { } named ? [.. named.Select(n => ParticipantNames[n])] : null,
            LastReleaseOffered?[i] ?? 0,
            LastReleaseMemberIds?[i]))],
        Version);
}

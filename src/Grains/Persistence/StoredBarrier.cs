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

    /// <summary>The latest release's members in index order.</summary>
    [Id(4)]
    public List<StoredReleaseMember> LastRelease { get; set; } = [];

    [Id(5)]
    public long Version { get; set; }

    public static StoredBarrier From(BarrierSnapshot snapshot) => new()
    {
        Parties = snapshot.Parties,
        Phase = snapshot.Phase,
        BrokenReason = snapshot.BrokenReason,
        LostParticipants = [.. snapshot.LostParticipants],
        LastRelease = [.. snapshot.LastRelease.Select(m => new StoredReleaseMember(m.Arrival.Value, m.Participant))],
        Version = snapshot.Version,
    };

    public BarrierSnapshot ToSnapshot() => new(
        Parties,
        Phase,
        BrokenReason,
        LostParticipants,
        [.. LastRelease.Select(m => new ReleasedArrival(new ArrivalId(m.Arrival), m.Participant))],
        Version);
}

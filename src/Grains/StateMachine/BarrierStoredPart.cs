using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// What a <see cref="BarrierStateMachine"/> stores: its phase, why it is broken, the latest release's roster and the
/// version that counts changes to them. Every change here moves <see cref="Version"/>, so the grain stores exactly when
/// one of them changed; the live arrivals (the ledger) are not stored, as they re-attach on their own.
/// </summary>
[DebuggerDisplay("phase {Phase}, version {Version}")]
internal sealed class BarrierStoredPart
{
    /// <summary>How many releases have happened.</summary>
    public long Phase { get; private set; }

    /// <summary>Counts changes; 1 for a new barrier, which has not been stored yet.</summary>
    public long Version { get; private set; } = 1;

    /// <summary>Why the barrier last broke; meaningful only while it is broken.</summary>
    public BrokenBarrierReason BrokenReason { get; private set; }

    /// <summary>The participants whose lost leases broke it; empty unless it is broken for that reason.</summary>
    public IReadOnlyList<string> LostParticipants { get; private set; } = [];

    /// <summary>The latest release's arrivals in index order.</summary>
    public IReadOnlyList<ReleasedArrival> LastRelease { get; private set; } = [];

    /// <summary>The part as it was stored; whether it was broken is whether <see cref="BarrierSnapshot.BrokenReason"/> is set.</summary>
    public static BarrierStoredPart From(BarrierSnapshot snapshot) => new()
    {
        Phase = snapshot.Phase,
        Version = snapshot.Version,
        LastRelease = snapshot.LastRelease,
        BrokenReason = snapshot.BrokenReason ?? default,
        LostParticipants = snapshot.BrokenReason is null ? [] : snapshot.LostParticipants,
    };

    /// <summary>The part to store, as of now.</summary>
    /// <param name="parties">The barrier's party count, stored with it.</param>
    /// <param name="broken">Whether the barrier is broken now.</param>
    public BarrierSnapshot Snapshot(int parties, bool broken)
        => new(parties, Phase, broken ? BrokenReason : null, broken ? LostParticipants : [], LastRelease, Version);

    /// <summary>A release: the next phase, with its roster remembered for re-issued polls.</summary>
    public void Released(IReadOnlyList<ReleasedArrival> roster)
    {
        Phase++;
        Version++;
        LastRelease = roster;
    }

    /// <summary>A break, and who was lost if that broke it.</summary>
    public void Broke(BrokenBarrierReason reason, IReadOnlyList<string>? lost)
    {
        BrokenReason = reason;
        LostParticipants = lost ?? [];
        Version++;
    }

    /// <summary>A reset: nobody counts as lost any more.</summary>
    public void Mended()
    {
        LostParticipants = [];
        Version++;
    }
}

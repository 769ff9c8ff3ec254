namespace Orleans.Barrier;

/// <summary>
/// The part of a barrier that outlives its activation: everything but the live arrivals, which re-attach on their
/// own. A snapshot is taken after a change that must be stored (creation, release, break, reset) and restored into
/// a new activation's machine.
/// </summary>
/// <param name="Parties">Arrivals per release.</param>
/// <param name="Phase">Releases so far.</param>
/// <param name="BrokenReason">Why the barrier is broken, or <see langword="null"/> if it is not.</param>
/// <param name="LostParticipants">The participants whose lost leases broke it; empty unless broken for that reason.</param>
/// <param name="LastRelease">The latest release's members in index order, so a re-issued poll whose answer was lost still gets its index.</param>
/// <param name="Version">Counts stored changes; the grain writes when the machine's version is ahead of storage's.</param>
internal sealed record BarrierSnapshot(
    int Parties,
    long Phase,
    BrokenBarrierReason? BrokenReason,
    IReadOnlyList<string> LostParticipants,
    IReadOnlyList<ReleasedArrival> LastRelease,
    long Version);

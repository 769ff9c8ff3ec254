namespace Orleans.Barrier.Tests.Model;

/// <summary>
/// What the generated runs exercised, counted across threads, so the property test can show (and require) that
/// every rule was reached rather than passing on sequences that never release, expire or crash.
/// </summary>
internal sealed class ModelRunStats
{
    public long Runs;
    public long Steps;
    public long Releases;
    public long TimeoutBreaks;
    public long LostBreaks;
    public long Evictions;
    public long LeasesFoundByACall;
    public long Crashes;
    public long CrashesWithLiveArrivals;
    public long Reattachments;
    public long CountedAgainAfterForgetting;
    public long Unknowns;
    public long CoalescedReleases;
    public long Overflows;
    public long Withdrawals;
    public long Supersedes;
    public long EvictedOnSight;
    public long RecallsRemembered;
    public long RecallsJoining;
    public long LoseBreaks;
    public long LoseAfterFinal;
    public long LoseRefusedForStranger;
    public long LoseRefusedForEvict;

    public override string ToString()
        => $"{Runs} runs, {Steps} steps: {Releases} releases, {TimeoutBreaks} timeout-broken and {LostBreaks} lease-broken completions, "
            + $"{Evictions} evictions, {LeasesFoundByACall} lost leases found by a call, {Crashes} crashes ({CrashesWithLiveArrivals} with live arrivals, "
            + $"{Reattachments} re-attachments), {CountedAgainAfterForgetting} arrivals counted again after their result was forgotten, {Unknowns} unknown answers, "
            + $"{CoalescedReleases} releases with coalesced arrivals, {Overflows} arrivals only partly taken by a release, {Withdrawals} withdrawals that lowered a waiting arrival; "
            + $"shards: {Supersedes} newer epochs evicting older ones' waiting arrivals, {EvictedOnSight} older-epoch arrivals evicted on sight, "
            + $"{RecallsRemembered} recalls answered with a remembered index, {RecallsJoining} recalls answered unknown (the member joins); "
            + $"lost reports: {LoseBreaks} breaking the barrier, {LoseAfterFinal} after a final result, {LoseRefusedForStranger} refused for a stranger, {LoseRefusedForEvict} refused for an Evict arrival";
}

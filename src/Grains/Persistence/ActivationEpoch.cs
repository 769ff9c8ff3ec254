namespace Orleans.Barrier;

/// <summary>
/// The epochs that barrier and shard activations claim in storage, which are also their incarnations on the wire: an
/// answer names the epoch of the activation that gave it, and a re-issue carrying another epoch re-attaches.
/// </summary>
internal static class ActivationEpoch
{
    /// <summary>The epoch an activation claims after <paramref name="stored"/> (0 when nothing is stored yet).</summary>
    /// <remarks>
    /// Each claim goes one up, so epochs order activations. The first one starts at a random point rather than at 1:
    /// should the storage itself lose the record (memory storage on a silo that died), the next activation's epochs do not
    /// repeat the lost ones, so a participant's re-issue is not taken for one that activation answered and forgot.
    /// </remarks>
    public static long After(long stored) => stored > 0 ? stored + 1 : Random.Shared.NextInt64(1, int.MaxValue);
}

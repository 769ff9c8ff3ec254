using Orleans.Concurrency;
using Orleans.Runtime;

namespace Orleans.Barrier;

/// <inheritdoc cref="ISiloStatusGrain" />
[StatelessWorker]
[Reentrant]
[GrainType("barrier-silo-status")]
internal sealed class SiloStatusGrain(IClusterMembershipService membership) : Grain, ISiloStatusGrain
{
    /// <inheritdoc />
    public Task<SiloAddress[]> FindDeadAsync(SiloAddress[] silos)
    {
        ArgumentNullException.ThrowIfNull(silos);
        var view = membership.CurrentSnapshot;

        // A silo this one has not heard of yet counts as alive: it may have joined a moment ago. Only a verdict of the
        // cluster (Dead) makes a caller drop a poll.
        return Task.FromResult(Array.FindAll(silos, silo => view.GetSiloStatus(silo) == SiloStatus.Dead));
    }
}

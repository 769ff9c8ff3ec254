using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;
using Orleans.Runtime.Placement;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Test-only placement that keeps one grain type off a test cluster's primary silo, which anchors membership and
/// cannot be killed. Tests that kill the silo hosting a barrier use it so that every activation of the barrier
/// lands on a silo they may kill. It only chooses where an activation starts; the barrier's own code is unchanged.
/// </summary>
internal static class SecondarySiloPlacement
{
    /// <summary>Places new activations of <paramref name="grainType"/> on a random active secondary silo (on the primary only if there is none).</summary>
    public static ISiloBuilder PlaceOnSecondarySilos(this ISiloBuilder builder, GrainType grainType)
    {
        builder.Services.AddSingleton<IPlacementStrategyResolver>(new Resolver(grainType));
        builder.Services.AddPlacementDirector<Strategy, Director>();
        return builder;
    }

    [GenerateSerializer, Immutable]
    internal sealed class Strategy : PlacementStrategy;

    private sealed class Resolver(GrainType grainType) : IPlacementStrategyResolver
    {
        private static readonly Strategy Instance = new();

        public bool TryResolvePlacementStrategy(GrainType type, GrainProperties? properties, out PlacementStrategy result)
        {
            result = Instance;
            return type == grainType;
        }
    }

    private sealed class Director(IClusterMembershipService membership) : IPlacementDirector
    {
        public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
        {
            var compatible = context.GetCompatibleSilos(target);
            var members = membership.CurrentSnapshot.Members;
            var secondaries = compatible
                .Where(s => members.TryGetValue(s, out var m) && m.Status == SiloStatus.Active && m.Name != Silo.PrimarySiloName)
                .ToArray();
            var candidates = secondaries.Length > 0 ? secondaries : compatible;
            return Task.FromResult(candidates[Random.Shared.Next(candidates.Length)]);
        }
    }
}

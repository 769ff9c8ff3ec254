using Microsoft.Extensions.DependencyInjection;

namespace Orleans.Barrier;

/// <summary>
/// Where barriers read time: one <see cref="TimeProvider"/>, registered in a silo's or client's services under
/// <see cref="ServiceKey"/>. Leases, timeouts, held polls and re-attach windows are all measured on it, on the silo and
/// on the participant side alike; with none registered they use <see cref="TimeProvider.System"/>.
/// </summary>
/// <remarks>
/// Keyed, so a test can drive the barrier's clock without also driving Orleans' own (membership, response timeouts),
/// which must keep running on real time for the cluster to stay up.
/// </remarks>
public static class BarrierClock
{
    /// <summary>The service key of the barrier's <see cref="TimeProvider"/>.</summary>
    public const string ServiceKey = "Orleans.Barrier";

    /// <summary>The barrier's clock in <paramref name="services"/>, or the system clock if there is none or no services at all.</summary>
    internal static TimeProvider From(IServiceProvider? services)
        => services?.GetKeyedService<TimeProvider>(ServiceKey) ?? TimeProvider.System;
}

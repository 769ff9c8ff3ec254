using Orleans.Runtime;

namespace Orleans.Barrier;

/// <summary>
/// Which grain of this silo process is making a wait, so a silo's coalesced arrival can name each of its grain
/// members as the barrier would have named their own arrivals (by grain id), and say which silo they run on.
/// </summary>
/// <remarks>
/// A coalesced arrival's calls leave from the thread pool, not from the member grains, so the barrier cannot tell
/// the members from the caller as it does for a grain's own arrival. <c>AddBarriers()</c> hands every silo's
/// <see cref="IGrainContextAccessor"/> to <see cref="Use"/>; any of them reads the calling thread's grain context.
/// In a client process none is set, and nothing here ever names anything.
/// </remarks>
internal static class CallingGrain
{
    private static IGrainContextAccessor? s_accessor;

    /// <summary>Called once per silo by <c>AddBarriers()</c>.</summary>
    public static void Use(IGrainContextAccessor accessor) => Interlocked.CompareExchange(ref s_accessor, accessor, null);

    /// <summary>The services of the silo whose grain's turn this is, for the barrier's clock; null outside a grain turn or in a client process.</summary>
    public static IServiceProvider? Services => s_accessor?.GrainContext?.ActivationServices;

    /// <summary>The grain whose turn this is, by id and silo; null outside a grain turn or in a client process.</summary>
    public static (string Name, string Silo)? Current
    {
        get
        {
            if (s_accessor?.GrainContext is not { } context || context.GrainId.IsClient() || context.GrainId.IsSystemTarget())
            {
                return null;
            }

            return context.Address.SiloAddress is { } silo ? (context.GrainId.ToString(), silo.ToString()) : null;
        }
    }
}

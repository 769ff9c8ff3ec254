namespace Orleans.Barrier;

/// <summary>Gets the barrier admin from any <see cref="IGrainFactory"/>: an <c>IClusterClient</c> or a grain's <c>GrainFactory</c>.</summary>
public static class BarrierAdminGrainFactoryExtensions
{
    /// <summary>Gets an <see cref="IBarrierAdmin"/> that operates the barriers of <paramref name="factory"/>'s cluster.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="factory"/> is null.</exception>
    public static IBarrierAdmin GetBarrierAdmin(this IGrainFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new BarrierAdmin(factory);
    }
}

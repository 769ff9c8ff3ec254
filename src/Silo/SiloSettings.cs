using System.Net;

namespace Orleans.Barrier.Silo;

/// <summary>Everything the silo is told from outside: where it listens and which cluster it belongs to.</summary>
/// <param name="SiloPort">The port for silo-to-silo traffic.</param>
/// <param name="GatewayPort">The port clients connect to.</param>
/// <param name="PrimarySilo">The silo a joining silo finds the cluster through; <see langword="null"/> makes this silo the primary.</param>
/// <param name="ClusterId">The cluster this silo joins; clients must use the same id.</param>
/// <param name="ServiceId">The service this cluster belongs to; stable across deployments.</param>
internal sealed record SiloSettings(int SiloPort, int GatewayPort, IPEndPoint? PrimarySilo, string ClusterId, string ServiceId);

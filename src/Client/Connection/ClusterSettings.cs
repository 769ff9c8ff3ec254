using System.Net;

namespace Orleans.Barrier.Client.Connection;

/// <summary>Where the cluster is and how it identifies itself; a client must match the silos' ids to be let in.</summary>
/// <param name="Gateways">The silo gateways to try.</param>
/// <param name="Description">How to name the gateways in messages, e.g. <c>localhost:30000</c>.</param>
/// <param name="ClusterId">The silos' cluster id.</param>
/// <param name="ServiceId">The silos' service id.</param>
internal sealed record ClusterSettings(IReadOnlyList<IPEndPoint> Gateways, string Description, string ClusterId, string ServiceId)
{
    /// <summary>The cluster id a silo started with default settings uses.</summary>
    public const string DefaultClusterId = "barrier-cluster";

    /// <summary>The service id a silo started with default settings uses.</summary>
    public const string DefaultServiceId = "orleans-barrier";
}

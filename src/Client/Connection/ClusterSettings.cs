using System.Net;
using Orleans.Barrier.Connectivity;

namespace Orleans.Barrier.Client.Connection;

/// <summary>Where the cluster is and how it identifies itself; a client must match the silos' ids to be let in.</summary>
/// <param name="Gateways">The silo gateways to try; empty when <see cref="Redis"/> lists them.</param>
/// <param name="Description">How to name the gateways in messages, e.g. <c>localhost:30000</c>.</param>
/// <param name="ClusterId">The silos' cluster id.</param>
/// <param name="ServiceId">The silos' service id.</param>
internal sealed record ClusterSettings(IReadOnlyList<IPEndPoint> Gateways, string Description, string ClusterId, string ServiceId)
{
    /// <summary>The cluster id a silo started with default settings uses.</summary>
    public const string DefaultClusterId = "barrier-cluster";

    /// <summary>The service id a silo started with default settings uses.</summary>
    public const string DefaultServiceId = "orleans-barrier";

    /// <summary>The Redis whose membership table lists the gateways, instead of <see cref="Gateways"/>; <see langword="null"/> if none.</summary>
    public RedisSettings? Redis { get; init; }

    /// <summary>Mutual TLS to the gateways, as the silos use it; <see langword="null"/> for plain TCP.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>A cluster whose gateways the silos register in <paramref name="redis"/>.</summary>
    public static ClusterSettings ThroughRedis(RedisSettings redis, string clusterId, string serviceId)
        => new([], $"the gateways registered in Redis at {redis.Description}", clusterId, serviceId) { Redis = redis };
}

using System.Net;
using Orleans.Barrier.Connectivity;

namespace Orleans.Barrier.Silo;

/// <summary>Everything the silo is told from outside: where it listens, which cluster it belongs to and how it meets it.</summary>
/// <param name="SiloPort">The port for silo-to-silo traffic.</param>
/// <param name="GatewayPort">The port clients connect to.</param>
/// <param name="PrimarySilo">
/// Localhost clustering only: the silo a joining silo finds the cluster through; <see langword="null"/> makes this silo the primary.
/// </param>
/// <param name="ClusterId">The cluster this silo joins; clients must use the same id.</param>
/// <param name="ServiceId">The service this cluster belongs to; stable across deployments, and the prefix of barrier state in Redis.</param>
/// <param name="Redis">The Redis holding membership and barrier state; <see langword="null"/> for localhost clustering and in-memory state.</param>
/// <param name="AdvertisedAddress">With <paramref name="Redis"/>: the address peers reach this silo at; <see langword="null"/> picks this host's.</param>
/// <param name="ListenOnAnyAddress">With <paramref name="Redis"/>: listen on every interface rather than only the advertised address.</param>
/// <param name="Tls">Mutual TLS for silo and gateway traffic; <see langword="null"/> for plain TCP.</param>
internal sealed record SiloSettings(
    int SiloPort,
    int GatewayPort,
    IPEndPoint? PrimarySilo,
    string ClusterId,
    string ServiceId,
    RedisSettings? Redis,
    IPAddress? AdvertisedAddress,
    bool ListenOnAnyAddress,
    TlsSettings? Tls)
{
    /// <summary>
    /// How long a liveness probe of another silo may take, and the starting interval between probes (Orleans'
    /// <c>ClusterMembershipOptions.ProbeTimeout</c>); <see langword="null"/> keeps Orleans' default (5 s).
    /// </summary>
    public TimeSpan? ProbeTimeout { get; init; }

    /// <summary>
    /// How many probes in a row a silo may miss before it is suspected (Orleans' <c>NumMissedProbesLimit</c>);
    /// <see langword="null"/> keeps Orleans' default (3).
    /// </summary>
    public int? MissedProbesLimit { get; init; }

    /// <summary>Refuses options that contradict each other, whether they came from the command line or the environment.</summary>
    /// <exception cref="ArgumentException">The first contradiction found.</exception>
    public void Validate()
    {
        if (Redis is not null && PrimarySilo is not null)
        {
            throw new ArgumentException("--primary-silo (BARRIER_PRIMARY_SILO) is for localhost clustering; with --redis the silos find each other in Redis.");
        }

        if (Redis is null && AdvertisedAddress is not null)
        {
            throw new ArgumentException("--advertised-address (BARRIER_ADVERTISED_ADDRESS) needs --redis; without it the silo uses localhost clustering on 127.0.0.1.");
        }

        if (Redis is null && ListenOnAnyAddress)
        {
            throw new ArgumentException("--listen-on-any-address (BARRIER_LISTEN_ON_ANY_ADDRESS) needs --redis; without it the silo uses localhost clustering on 127.0.0.1.");
        }
    }
}

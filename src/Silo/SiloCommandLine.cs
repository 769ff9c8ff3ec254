using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using Orleans.Barrier.Connectivity;

namespace Orleans.Barrier.Silo;

/// <summary>The silo's command line: each setting is an option, with an environment variable as its fallback.</summary>
internal static class SiloCommandLine
{
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;
    public const string DefaultClusterId = "barrier-cluster";
    public const string DefaultServiceId = "orleans-barrier";

    public static RootCommand Create()
    {
        var siloPort = new Option<int>("--silo-port")
        {
            Description = "Port for silo-to-silo traffic. Env: BARRIER_SILO_PORT.",
            DefaultValueFactory = EnvironmentDefault.From<int>("BARRIER_SILO_PORT", DefaultSiloPort, SiloArguments.TryConvertPort),
            CustomParser = ParseWith<int>(SiloArguments.TryConvertPort),
        };
        var gatewayPort = new Option<int>("--gateway-port")
        {
            Description = "Port clients connect to. Env: BARRIER_GATEWAY_PORT.",
            DefaultValueFactory = EnvironmentDefault.From<int>("BARRIER_GATEWAY_PORT", DefaultGatewayPort, SiloArguments.TryConvertPort),
            CustomParser = ParseWith<int>(SiloArguments.TryConvertPort),
        };
        var primarySilo = new Option<IPEndPoint?>("--primary-silo")
        {
            Description = "Without --redis: host:port (silo port) of the first silo, for a silo that joins it. Env: BARRIER_PRIMARY_SILO. "
                + "Default: this silo is the primary.",
            HelpName = "host:port",
            DefaultValueFactory = EnvironmentDefault.From<IPEndPoint?>("BARRIER_PRIMARY_SILO", null, SiloArguments.TryConvertEndpoint),
            CustomParser = ParseWith<IPEndPoint?>(SiloArguments.TryConvertEndpoint),
        };
        var clusterId = new Option<string>("--cluster-id")
        {
            Description = "Cluster id; clients must use the same. Env: BARRIER_CLUSTER_ID.",
            DefaultValueFactory = EnvironmentDefault.From("BARRIER_CLUSTER_ID", DefaultClusterId),
        };
        var serviceId = new Option<string>("--service-id")
        {
            Description = "Service id; clients must use the same. Barrier state in Redis is kept per service id, so keep it across restarts. "
                + "Env: BARRIER_SERVICE_ID.",
            DefaultValueFactory = EnvironmentDefault.From("BARRIER_SERVICE_ID", DefaultServiceId),
        };
        var redis = new Option<RedisSettings?>("--redis")
        {
            Description = "Join the cluster through this Redis (membership) and keep barrier state in it (grain storage \"Barriers\"): "
                + "host:port or a StackExchange.Redis configuration string. Env: BARRIER_REDIS. "
                + "Default: none; localhost clustering and in-memory barrier state.",
            HelpName = "host:port",
            DefaultValueFactory = EnvironmentDefault.From<RedisSettings?>("BARRIER_REDIS", null, SiloArguments.TryConvertRedis),
            CustomParser = ParseWith<RedisSettings?>(SiloArguments.TryConvertRedis),
        };
        var advertisedAddress = new Option<IPAddress?>("--advertised-address")
        {
            Description = "With --redis: the IP address (or host name) other silos and clients reach this silo at. "
                + "Env: BARRIER_ADVERTISED_ADDRESS. Default: this host's first IPv4 address.",
            HelpName = "address",
            DefaultValueFactory = EnvironmentDefault.From<IPAddress?>("BARRIER_ADVERTISED_ADDRESS", null, SiloArguments.TryConvertAddress),
            CustomParser = ParseWith<IPAddress?>(SiloArguments.TryConvertAddress),
        };
        var listenOnAnyAddress = new Option<bool>("--listen-on-any-address")
        {
            Description = "With --redis: listen on every interface (0.0.0.0), not only the advertised address; for containers and NAT, "
                + "where the advertised address is not this machine's own. Env: BARRIER_LISTEN_ON_ANY_ADDRESS=true.",
            DefaultValueFactory = EnvironmentDefault.From<bool>("BARRIER_LISTEN_ON_ANY_ADDRESS", false, SiloArguments.TryConvertSwitch),
        };
        var probeTimeout = new Option<TimeSpan?>("--probe-timeout")
        {
            Description = "How long a liveness probe of another silo may take, and how often silos probe each other at first (Orleans' "
                + "ClusterMembershipOptions.ProbeTimeout; Orleans adapts the interval between half and four times this to the measured round "
                + "trips). A killed silo is declared dead after about --missed-probes probes, and only then do its barriers move to another "
                + "silo: lower means faster failover, but a slow or paused silo is mistaken for dead more easily. Use the same value on "
                + "every silo. Env: BARRIER_PROBE_TIMEOUT. Default: Orleans' 5s.",
            HelpName = "duration",
            DefaultValueFactory = EnvironmentDefault.From<TimeSpan?>("BARRIER_PROBE_TIMEOUT", null, SiloArguments.TryConvertProbeTimeout),
            CustomParser = ParseWith<TimeSpan?>(SiloArguments.TryConvertProbeTimeout),
        };
        var missedProbes = new Option<int?>("--missed-probes")
        {
            Description = "Probes in a row a silo may miss before the silo probing it votes it dead (Orleans' "
                + "ClusterMembershipOptions.NumMissedProbesLimit). Env: BARRIER_MISSED_PROBES. Default: Orleans' 3.",
            HelpName = "count",
            DefaultValueFactory = EnvironmentDefault.From<int?>("BARRIER_MISSED_PROBES", null, SiloArguments.TryConvertMissedProbes),
            CustomParser = ParseWith<int?>(SiloArguments.TryConvertMissedProbes),
        };
        var tls = new TlsCommandLineOptions();

        var root = new RootCommand(
            "Runs one Orleans silo that hosts Orleans.Barrier barriers: with localhost clustering, or with --redis in a cluster of any "
            + "number of hosts. Ctrl+C stops it gracefully. Exit codes: 0 stopped, 1 invalid options, 2 could not start (Redis unreachable, "
            + "TLS certificate unusable, port taken).")
        {
            siloPort,
            gatewayPort,
            primarySilo,
            clusterId,
            serviceId,
            redis,
            advertisedAddress,
            listenOnAnyAddress,
            probeTimeout,
            missedProbes,
        };
        tls.AddTo(root);

        root.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new SiloSettings(
                parseResult.GetValue(siloPort),
                parseResult.GetValue(gatewayPort),
                parseResult.GetValue(primarySilo),
                parseResult.GetRequiredValue(clusterId),
                parseResult.GetRequiredValue(serviceId),
                parseResult.GetValue(redis),
                parseResult.GetValue(advertisedAddress),
                parseResult.GetValue(listenOnAnyAddress),
                Tls: null)
            {
                ProbeTimeout = parseResult.GetValue(probeTimeout),
                MissedProbesLimit = parseResult.GetValue(missedProbes),
            };
            try
            {
                settings = settings with { Tls = tls.GetSettings(parseResult) };
                settings.Validate();
            }
            catch (ArgumentException exception)
            {
                await parseResult.InvocationConfiguration.Error.WriteLineAsync(exception.Message);
                return SiloExitCodes.InvalidArguments;
            }

            return await SiloHost.RunAsync(settings, cancellationToken);
        });
        return root;
    }

    /// <summary>Adapts a converter to System.CommandLine, reporting a bad value as a parse error rather than an exception.</summary>
    internal static Func<ArgumentResult, T> ParseWith<T>(EnvironmentDefault.TryConvert<T> convert)
        => result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
            if (convert(text, out var value, out var error))
            {
                return value;
            }

            result.AddError(error ?? $"'{text}' is not valid.");
            return default!;
        };
}

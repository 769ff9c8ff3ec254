using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Client.Connection;
using Orleans.Barrier.Connectivity;

namespace Orleans.Barrier.Client.Commands;

/// <summary>
/// <c>--gateway</c> or <c>--redis</c>, <c>--cluster-id</c>, <c>--service-id</c>, the TLS options and <c>--verbose</c>:
/// how a command finds the cluster. The defaults match the silo's, and read the same environment variables.
/// </summary>
internal sealed class ConnectionOptions
{
    public ConnectionOptions(GatewayEndpoint? defaultGateway, string gatewayDescription)
    {
        Gateway = new Option<GatewayEndpoint?>("--gateway", "-g")
        {
            Description = gatewayDescription,
            HelpName = "host:port",
            CustomParser = ParseGateway,
        };
        if (defaultGateway is not null)
        {
            Gateway.DefaultValueFactory = result => GatewayFromEnvironment(result) ?? defaultGateway;
        }

        Redis = new Option<RedisSettings?>("--redis")
        {
            Description = "Instead of --gateway: find the gateways in the Redis the silos were started with (their --redis), "
                + "host:port or a StackExchange.Redis configuration string. Env: BARRIER_REDIS.",
            HelpName = "host:port",
            CustomParser = ParseRedis,
            DefaultValueFactory = RedisFromEnvironment,
        };
        ClusterId = new Option<string>("--cluster-id")
        {
            Description = "The silos' cluster id. Env: BARRIER_CLUSTER_ID.",
            DefaultValueFactory = _ => FromEnvironment("BARRIER_CLUSTER_ID") ?? ClusterSettings.DefaultClusterId,
        };
        ServiceId = new Option<string>("--service-id")
        {
            Description = "The silos' service id. Env: BARRIER_SERVICE_ID.",
            DefaultValueFactory = _ => FromEnvironment("BARRIER_SERVICE_ID") ?? ClusterSettings.DefaultServiceId,
        };
        Tls = new TlsCommandLineOptions();
        Verbose = new Option<bool>("--verbose", "-v") { Description = "Also print the Orleans runtime's own log lines." };
    }

    public Option<GatewayEndpoint?> Gateway { get; }

    public Option<RedisSettings?> Redis { get; }

    public Option<string> ClusterId { get; }

    public Option<string> ServiceId { get; }

    public TlsCommandLineOptions Tls { get; }

    public Option<bool> Verbose { get; }

    /// <summary>The options of a command that talks to a running cluster, by default at <c>localhost:30000</c>.</summary>
    public static ConnectionOptions ForRunningCluster()
        => new(GatewayEndpoint.Default, "The silo gateway to connect to. Env: BARRIER_GATEWAY.");

    public void AddTo(Command command)
    {
        command.Add(Gateway);
        command.Add(Redis);
        command.Add(ClusterId);
        command.Add(ServiceId);
        Tls.AddTo(command);
        command.Add(Verbose);
        command.Validators.Add(result =>
        {
            var gatewayGiven = result.GetResult(Gateway) is { Implicit: false };
            var redisGiven = result.GetResult(Redis) is { Implicit: false };
            if (gatewayGiven && redisGiven)
            {
                result.AddError("Use --gateway or --redis, not both: --redis finds the gateways itself.");
            }
            else if (!gatewayGiven && !redisGiven && FromEnvironment("BARRIER_GATEWAY") is not null && FromEnvironment("BARRIER_REDIS") is not null)
            {
                result.AddError("BARRIER_GATEWAY and BARRIER_REDIS are both set; unset one, or choose with --gateway or --redis.");
            }
        });
    }

    /// <summary>How much of Orleans' own logging to show: normally only errors, so command output stays readable.</summary>
    public LogLevel OrleansLogLevel(ParseResult parseResult)
        => parseResult.GetValue(Verbose) ? LogLevel.Information : LogLevel.Critical;

    /// <summary>
    /// The Redis to find gateways in, if the command line chose one: <c>--redis</c>, or <c>BARRIER_REDIS</c> unless
    /// <c>--gateway</c> was given. An explicit option always beats an environment variable.
    /// </summary>
    public RedisSettings? ChosenRedis(ParseResult parseResult)
        => parseResult.GetResult(Gateway) is { Implicit: false } ? null : parseResult.GetValue(Redis);

    /// <summary>Where to connect to, or <see langword="null"/> if the options name no cluster (the demo then starts its own).</summary>
    /// <exception cref="SiloUnreachableException">The gateway's host name does not resolve.</exception>
    public async Task<ClusterSettings?> GetClusterSettingsAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var clusterId = parseResult.GetRequiredValue(ClusterId);
        var serviceId = parseResult.GetRequiredValue(ServiceId);
        var tls = Tls.GetSettings(parseResult);
        if (ChosenRedis(parseResult) is { } redis)
        {
            return ClusterSettings.ThroughRedis(redis, clusterId, serviceId) with { Tls = tls };
        }

        if (parseResult.GetValue(Gateway) is { } gateway)
        {
            return new ClusterSettings([await gateway.ResolveAsync(cancellationToken)], gateway.ToString(), clusterId, serviceId) { Tls = tls };
        }

        return null;
    }

    /// <summary>Connects to the cluster the options name.</summary>
    /// <exception cref="SiloUnreachableException">No silo answered there, or Redis did not.</exception>
    public async Task<ClusterConnection> ConnectAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var settings = await GetClusterSettingsAsync(parseResult, cancellationToken)
            ?? throw new InvalidOperationException("This command has no gateway to connect to.");
        return await ClusterConnection.ConnectAsync(settings, OrleansLogLevel(parseResult), cancellationToken);
    }

    private static GatewayEndpoint? ParseGateway(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (GatewayEndpoint.TryParse(text, out var endpoint, out var error))
        {
            return endpoint;
        }

        result.AddError(error!);
        return null;
    }

    private static GatewayEndpoint? GatewayFromEnvironment(ArgumentResult result)
    {
        if (FromEnvironment("BARRIER_GATEWAY") is not { } text)
        {
            return null;
        }

        if (GatewayEndpoint.TryParse(text, out var endpoint, out var error))
        {
            return endpoint;
        }

        result.AddError($"Environment variable BARRIER_GATEWAY: {error}");
        return null;
    }

    private static RedisSettings? ParseRedis(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (RedisSettings.TryParse(text, out var redis, out var error))
        {
            return redis;
        }

        result.AddError($"--redis: {error}");
        return null;
    }

    private static RedisSettings? RedisFromEnvironment(ArgumentResult result)
    {
        if (FromEnvironment("BARRIER_REDIS") is not { } text)
        {
            return null;
        }

        if (RedisSettings.TryParse(text, out var redis, out var error))
        {
            return redis;
        }

        result.AddError($"Environment variable BARRIER_REDIS: {error}");
        return null;
    }

    private static string? FromEnvironment(string variable)
        => Environment.GetEnvironmentVariable(variable) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

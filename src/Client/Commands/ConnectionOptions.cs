using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Client.Connection;

namespace Orleans.Barrier.Client.Commands;

/// <summary>
/// <c>--gateway</c>, <c>--cluster-id</c>, <c>--service-id</c> and <c>--verbose</c>: how a command finds the cluster.
/// The id defaults match the silo's, and read the same environment variables.
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
        Verbose = new Option<bool>("--verbose", "-v") { Description = "Also print the Orleans runtime's own log lines." };
    }

    public Option<GatewayEndpoint?> Gateway { get; }

    public Option<string> ClusterId { get; }

    public Option<string> ServiceId { get; }

    public Option<bool> Verbose { get; }

    /// <summary>The options of a command that talks to a running cluster, by default at <c>localhost:30000</c>.</summary>
    public static ConnectionOptions ForRunningCluster()
        => new(GatewayEndpoint.Default, "The silo gateway to connect to. Env: BARRIER_GATEWAY.");

    public void AddTo(Command command)
    {
        command.Add(Gateway);
        command.Add(ClusterId);
        command.Add(ServiceId);
        command.Add(Verbose);
    }

    /// <summary>How much of Orleans' own logging to show: normally only errors, so command output stays readable.</summary>
    public LogLevel OrleansLogLevel(ParseResult parseResult)
        => parseResult.GetValue(Verbose) ? LogLevel.Information : LogLevel.Critical;

    /// <summary>Connects to the gateway the options name.</summary>
    /// <exception cref="SiloUnreachableException">No silo answered there.</exception>
    public async Task<ClusterConnection> ConnectAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var gateway = parseResult.GetValue(Gateway)
            ?? throw new InvalidOperationException("This command has no gateway to connect to.");
        var settings = new ClusterSettings(
            [await gateway.ResolveAsync(cancellationToken)],
            gateway.ToString(),
            parseResult.GetRequiredValue(ClusterId),
            parseResult.GetRequiredValue(ServiceId));
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

    private static string? FromEnvironment(string variable)
        => Environment.GetEnvironmentVariable(variable) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}

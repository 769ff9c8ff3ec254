using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;

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
            Description = "host:port (silo port) of the first silo, for a silo that joins it. Env: BARRIER_PRIMARY_SILO. Default: this silo is the primary.",
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
            Description = "Service id; clients must use the same. Env: BARRIER_SERVICE_ID.",
            DefaultValueFactory = EnvironmentDefault.From("BARRIER_SERVICE_ID", DefaultServiceId),
        };

        var root = new RootCommand("Runs one Orleans silo that hosts Orleans.Barrier barriers, with localhost clustering. Ctrl+C stops it gracefully.")
        {
            siloPort,
            gatewayPort,
            primarySilo,
            clusterId,
            serviceId,
        };

        root.SetAction((parseResult, cancellationToken) =>
        {
            var settings = new SiloSettings(
                parseResult.GetValue(siloPort),
                parseResult.GetValue(gatewayPort),
                parseResult.GetValue(primarySilo),
                parseResult.GetRequiredValue(clusterId),
                parseResult.GetRequiredValue(serviceId));
            return SiloHost.RunAsync(settings, cancellationToken);
        });
        return root;
    }

    /// <summary>Adapts a converter to System.CommandLine, reporting a bad value as a parse error rather than an exception.</summary>
    private static Func<ArgumentResult, T> ParseWith<T>(EnvironmentDefault.TryConvert<T> convert)
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

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;

namespace Orleans.Barrier.Silo;

/// <summary>Builds and runs the generic host that carries the silo.</summary>
internal static partial class SiloHost
{
    public static async Task<int> RunAsync(SiloSettings settings, CancellationToken cancellationToken)
    {
        // No args: System.CommandLine has already read them, and they must not leak into configuration.
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });

        // Orleans is chatty at Information (every option it reads, every placement retry through Polly); keep its
        // warnings and the lifecycle lines.
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);
        builder.Logging.AddFilter("Orleans.Hosting.SiloHostedService", LogLevel.Information);
        builder.Logging.AddFilter("Orleans.Barrier", LogLevel.Information);

        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(
                settings.SiloPort,
                settings.GatewayPort,
                settings.PrimarySilo,
                settings.ServiceId,
                settings.ClusterId)
            .AddBarriers());

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Barrier.Silo");
        var primary = settings.PrimarySilo?.ToString() ?? "itself";
        LogStarting(logger, settings.SiloPort, settings.GatewayPort, primary, settings.ClusterId, settings.ServiceId);

        await host.StartAsync(cancellationToken);
        LogReady(logger, settings.GatewayPort);

        // The host's console lifetime turns Ctrl+C and SIGTERM into a graceful stop, which leaves the cluster cleanly.
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Starting silo: silo port {SiloPort}, gateway port {GatewayPort}, primary silo {PrimarySilo}, cluster {ClusterId}, service {ServiceId}")]
    private static partial void LogStarting(ILogger logger, int siloPort, int gatewayPort, string primarySilo, string clusterId, string serviceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo ready; clients connect to gateway localhost:{GatewayPort}")]
    private static partial void LogReady(ILogger logger, int gatewayPort);
}

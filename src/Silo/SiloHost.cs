using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Barrier.Connectivity;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Persistence;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using StackExchange.Redis;

namespace Orleans.Barrier.Silo;

/// <summary>Builds and runs the generic host that carries the silo.</summary>
internal static partial class SiloHost
{
    /// <summary>The grain storage barriers use with --redis; <see cref="BarrierHostOptions.StorageName"/> is set to it.</summary>
    public const string BarrierStorageName = "Barriers";

    public static async Task<int> RunAsync(SiloSettings settings, CancellationToken cancellationToken)
    {
        // Checked before Orleans starts, so a taken port, a wrong path, password or Redis address is one line and a
        // quick exit, not a lifecycle failure logged with stack traces by every component that tried to use it.
        var listening = settings.Redis is null ? IPAddress.Loopback
            : settings.ListenOnAnyAddress ? IPAddress.Any
            : settings.AdvertisedAddress ?? IPAddress.Any;
        if ((PortAvailability.InUse(listening, settings.SiloPort, "silo") ?? PortAvailability.InUse(listening, settings.GatewayPort, "gateway")) is { } portError)
        {
            await Console.Error.WriteLineAsync($"error: {portError}");
            return SiloExitCodes.StartFailed;
        }

        TlsCredentials? tls;
        IConnectionMultiplexer? redis = null;
        try
        {
            tls = settings.Tls?.Load();
            if (settings.Redis is { } redisSettings)
            {
                redis = await redisSettings.ConnectAsync(cancellationToken);
            }
        }
        catch (Exception exception) when (exception is TlsCertificateException or RedisUnreachableException)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return SiloExitCodes.StartFailed;
        }

        try
        {
            return await RunHostAsync(settings, redis, tls, cancellationToken);
        }
        finally
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
        }
    }

    private static async Task<int> RunHostAsync(SiloSettings settings, IConnectionMultiplexer? redis, TlsCredentials? tls, CancellationToken cancellationToken)
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

        builder.UseOrleans(silo =>
        {
            if (redis is not null)
            {
                UseRedis(silo, settings, redis);
            }
            else
            {
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, settings.PrimarySilo, settings.ServiceId, settings.ClusterId);
            }

            if (tls is not null)
            {
                // Mutual: a silo shows its certificate to every peer and asks for theirs, on the silo and gateway
                // ports alike (RemoteCertificateMode.RequireCertificate is the default).
                silo.UseTls(tls.Certificate, options => options.RemoteCertificateValidation = tls.IsTrusted);
            }

            silo.Configure<ClusterMembershipOptions>(membership =>
            {
                // How soon a crashed silo is declared dead, which is when its barriers can be activated elsewhere.
                if (settings.ProbeTimeout is { } probeTimeout)
                {
                    membership.ProbeTimeout = probeTimeout;

                    // How soon a silo that the others declared dead while it was frozen or cut off from them reads its
                    // own death from the table and stops. Orleans' 60 s would let it go on answering its clients for a
                    // minute; a table read every two probe timeouts costs one Redis read per silo.
                    var refresh = probeTimeout * 2;
                    membership.TableRefreshTimeout = refresh < membership.TableRefreshTimeout ? refresh : membership.TableRefreshTimeout;
                }

                if (settings.MissedProbesLimit is { } missedProbes)
                {
                    membership.NumMissedProbesLimit = missedProbes;
                }
            });
            silo.AddBarriers(options => options.StorageName = BarrierStorageName);
        });

        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Orleans.Barrier.Silo");
        var membership = settings.Redis is { } redisSettings
            ? string.Create(
                CultureInfo.InvariantCulture,
                $"Redis membership and barrier storage at {redisSettings}, advertised address {settings.AdvertisedAddress?.ToString() ?? "of this host"}{(settings.ListenOnAnyAddress ? ", listening on any address" : string.Empty)}")
            : $"localhost clustering, primary silo {settings.PrimarySilo?.ToString() ?? "itself"}";
        if (settings.ProbeTimeout is not null || settings.MissedProbesLimit is not null)
        {
            var probing = host.Services.GetRequiredService<IOptions<ClusterMembershipOptions>>().Value;
            membership += string.Create(
                CultureInfo.InvariantCulture,
                $", liveness probe timeout {probing.ProbeTimeout.TotalSeconds:0.###}s, dead after {probing.NumMissedProbesLimit} missed probes, table read every {probing.TableRefreshTimeout.TotalSeconds:0.###}s");
        }

        LogStarting(logger, settings.SiloPort, settings.GatewayPort, membership, settings.ClusterId, settings.ServiceId, tls?.Description ?? "off");

        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            await Console.Error.WriteLineAsync($"error: the silo could not start: {Describe(exception)}");
            return SiloExitCodes.StartFailed;
        }

        var local = host.Services.GetRequiredService<ILocalSiloDetails>();
        var gateway = local.GatewayAddress?.Endpoint.ToString() ?? "none";
        LogReady(logger, local.SiloAddress, gateway, settings.Redis?.Description ?? "none");

        // The host's console lifetime turns Ctrl+C and SIGTERM into a graceful stop, which leaves the cluster cleanly.
        await host.WaitForShutdownAsync(cancellationToken);
        return SiloExitCodes.Stopped;
    }

    private static void UseRedis(ISiloBuilder silo, SiloSettings settings, IConnectionMultiplexer redis)
    {
        var redisSettings = settings.Redis!;

        // Membership and storage share the one connection RunAsync opened and checked; it outlives the host.
        var shared = Task.FromResult<(IConnectionMultiplexer Multiplexer, bool IsShared)>((redis, true));
        silo.Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = settings.ClusterId;
                cluster.ServiceId = settings.ServiceId;
            })
            .UseRedisClustering(options =>
            {
                options.ConfigurationOptions = redisSettings.CreateOptions();
                options.CreateMultiplexer = _ => shared;
            })
            .AddRedisGrainStorage(BarrierStorageName, (OptionsBuilder<RedisStorageOptions> storage) => storage.Configure<Serializer>((options, serializer) =>
            {
                options.ConfigurationOptions = redisSettings.CreateOptions();
                options.CreateMultiplexer = _ => shared;

                // Orleans' own serializer, so a stored barrier is read back by the [Alias] and [Id]s StoredBarrier
                // declares for that purpose; the default JSON would tie stored state to CLR type and assembly names.
                options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));

        if (settings.AdvertisedAddress is { } advertised)
        {
            silo.ConfigureEndpoints(advertised, settings.SiloPort, settings.GatewayPort, settings.ListenOnAnyAddress);
        }
        else
        {
            // Orleans picks this host's first non-loopback IPv4 address, which is what a peer on another host dials.
            silo.ConfigureEndpoints(settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: settings.ListenOnAnyAddress);
        }
    }

    /// <summary>One line for a failed start: the outer message says which stage, the innermost one says why.</summary>
    private static string Describe(Exception exception)
    {
        var innermost = exception;
        while (((innermost as AggregateException)?.InnerExceptions.FirstOrDefault() ?? innermost.InnerException) is { } inner)
        {
            innermost = inner;
        }

        var text = ReferenceEquals(innermost, exception) || exception.Message.Contains(innermost.Message, StringComparison.Ordinal)
            ? exception.Message
            : $"{exception.Message} ({innermost.Message})";
        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Starting silo: silo port {SiloPort}, gateway port {GatewayPort}, {Membership}, cluster {ClusterId}, service {ServiceId}, TLS {Tls}")]
    private static partial void LogStarting(ILogger logger, int siloPort, int gatewayPort, string membership, string clusterId, string serviceId, string tls);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo ready: {Silo}; clients connect to gateway {Gateway} (Redis: {Redis})")]
    private static partial void LogReady(ILogger logger, SiloAddress silo, string gateway, string redis);
}

using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Client.Hosting;
using Orleans.Barrier.Connectivity;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Networking.Shared;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using StackExchange.Redis;

namespace Orleans.Barrier.Client.Connection;

/// <summary>An Orleans client connected to a cluster, in a host of its own. Dispose it to leave the cluster.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    // A few tries cover a silo that is still starting; more would only delay the error for a wrong address.
    private const int ConnectAttempts = 3;
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IHost _host;
    private readonly IConnectionMultiplexer? _redis;

    private ClusterConnection(IHost host, IConnectionMultiplexer? redis)
    {
        _host = host;
        _redis = redis;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The connected client; also an <see cref="IGrainFactory"/> for <c>GetBarrier</c>.</summary>
    public IClusterClient Client { get; }

    /// <summary>Connects to the cluster, trying a bounded number of times.</summary>
    /// <param name="settings">Where the cluster is.</param>
    /// <param name="orleansLogLevel">The least severe Orleans log line to print; the command's own output is not logging.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <exception cref="SiloUnreachableException">No silo answered at the gateways, or Redis did not answer.</exception>
    /// <exception cref="TlsCertificateException">The TLS certificate could not be loaded.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterSettings settings, LogLevel orleansLogLevel, CancellationToken cancellationToken)
    {
        var tls = settings.Tls?.Load();
        var redis = settings.Redis is { } redisSettings ? await ConnectToRedisAsync(redisSettings, cancellationToken) : null;
        IHost host;
        try
        {
            host = Build(settings, tls, redis, orleansLogLevel);
        }
        catch
        {
            if (redis is not null)
            {
                await redis.DisposeAsync();
            }

            throw;
        }

        try
        {
            await host.StartAsync(cancellationToken);
            return new ClusterConnection(host, redis);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            await DisposeHostAsync(host, redis);
            throw new SiloUnreachableException(
                $"could not connect to a silo at {settings.Description} (cluster '{settings.ClusterId}', service '{settings.ServiceId}'): {Explain(exception, settings)}",
                exception);
        }
        catch
        {
            await DisposeHostAsync(host, redis);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await DisposeHostAsync(_host, _redis);

    /// <summary>What Orleans throws at start-up when no gateway takes the connection (refused, wrong cluster id, timed out).</summary>
    internal static bool IsConnectionFailure(Exception exception)
        => IsLostContact(exception) || exception is OrleansException or SocketException;

    /// <summary>What a call throws once connected, when the silo has gone away or stopped answering.</summary>
    internal static bool IsLostContact(Exception exception) => exception
        is SiloUnavailableException
        or ConnectionFailedException
        or OrleansMessageRejectionException
        or GatewayTooBusyException
        or TimeoutException;

    private static IHost Build(ClusterSettings settings, TlsCredentials? tls, IConnectionMultiplexer? redis, LogLevel orleansLogLevel)
    {
        // An empty builder: no appsettings.json, no environment-driven configuration, nothing but what the command says.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostLifetime, SilentHostLifetime>();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(orleansLogLevel);
        builder.UseOrleansClient(client =>
        {
            if (redis is not null)
            {
                // The gateways come from the silos' membership rows, over the connection just checked.
                var shared = Task.FromResult<(IConnectionMultiplexer Multiplexer, bool IsShared)>((redis, true));
                client.UseRedisClustering(options =>
                {
                    options.ConfigurationOptions = settings.Redis!.CreateOptions();
                    options.CreateMultiplexer = _ => shared;
                });
            }
            else
            {
                client.UseStaticClustering([.. settings.Gateways]);
            }

            if (tls is not null)
            {
                // The gateway asks for this certificate and checks it; this side checks the gateway's the same way.
                client.UseTls(tls.Certificate, options => options.RemoteCertificateValidation = tls.IsTrusted);
            }

            client
                .Configure<ClusterOptions>(cluster =>
                {
                    cluster.ClusterId = settings.ClusterId;
                    cluster.ServiceId = settings.ServiceId;
                })
                .UseConnectionRetryFilter(new BoundedConnectionRetryFilter(ConnectAttempts, ConnectRetryDelay));
        });

        return builder.Build();
    }

    private static async Task<IConnectionMultiplexer> ConnectToRedisAsync(RedisSettings redis, CancellationToken cancellationToken)
    {
        try
        {
            return await redis.ConnectAsync(cancellationToken);
        }
        catch (RedisUnreachableException exception)
        {
            // No Redis means no list of gateways: for the user, the same as no silo.
            throw new SiloUnreachableException($"{exception.Message} (the silos register their gateways there)", exception);
        }
    }

    /// <summary>Orleans' message, and what it most likely means for this command line.</summary>
    private static string Explain(Exception exception, ClusterSettings settings)
    {
        if (exception is SiloUnavailableException && settings.Redis is not null)
        {
            // Redis answered, but no silo of these ids is registered there as active.
            return "no active silo of this cluster and service is registered there; check --cluster-id and --service-id against the silos'.";
        }

        var message = OneLine(exception.Message);
        if (exception is not ConnectionFailedException)
        {
            return message;
        }

        for (var inner = exception.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException or SocketConnectionException)
            {
                // Refused, unreachable, timed out: nothing took the connection, so TLS is not the question.
                return $"{message} ({OneLine(inner.Message)})";
            }
        }

        // The TCP connection was taken, then closed before Orleans' greeting was through: a failed TLS handshake and
        // a gateway of another cluster look exactly alike from here.
        return settings.Tls is null
            ? $"{message} The gateway closed the connection: it belongs to another cluster or service id, or it requires TLS (--tls-cert)."
            : $"{message} The gateway closed the connection: the TLS handshake failed (one side does not trust the other's certificate, see --tls-ca; "
                + "or the gateway does not use TLS), or it belongs to another cluster or service id.";
    }

    private static string OneLine(string text)
        => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static async Task DisposeHostAsync(IHost host, IConnectionMultiplexer? redis)
    {
        // Stopping sends the gateway a goodbye; bounded, because a dead gateway would never answer it.
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await host.StopAsync(stopping.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException || IsConnectionFailure(exception))
        {
            // Leaving a cluster that is already gone is not an error worth reporting.
        }

        host.Dispose();
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }
}

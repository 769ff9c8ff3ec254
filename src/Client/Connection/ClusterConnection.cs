using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Client.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Orleans.Barrier.Client.Connection;

/// <summary>An Orleans client connected to a cluster, in a host of its own. Dispose it to leave the cluster.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    // A few tries cover a silo that is still starting; more would only delay the error for a wrong address.
    private const int ConnectAttempts = 3;
    private static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromSeconds(1);

    private readonly IHost _host;

    private ClusterConnection(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>The connected client; also an <see cref="IGrainFactory"/> for <c>GetBarrier</c>.</summary>
    public IClusterClient Client { get; }

    /// <summary>Connects to the cluster, trying a bounded number of times.</summary>
    /// <param name="settings">Where the cluster is.</param>
    /// <param name="orleansLogLevel">The least severe Orleans log line to print; the command's own output is not logging.</param>
    /// <param name="cancellationToken">Cancels the connection attempt.</param>
    /// <exception cref="SiloUnreachableException">No silo answered at the gateways.</exception>
    public static async Task<ClusterConnection> ConnectAsync(ClusterSettings settings, LogLevel orleansLogLevel, CancellationToken cancellationToken)
    {
        // An empty builder: no appsettings.json, no environment-driven configuration, nothing but what the command says.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostLifetime, SilentHostLifetime>();
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(orleansLogLevel);
        builder.UseOrleansClient(client => client
            .UseStaticClustering([.. settings.Gateways])
            .Configure<ClusterOptions>(cluster =>
            {
                cluster.ClusterId = settings.ClusterId;
                cluster.ServiceId = settings.ServiceId;
            })
            .UseConnectionRetryFilter(new BoundedConnectionRetryFilter(ConnectAttempts, ConnectRetryDelay)));

        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
            return new ClusterConnection(host);
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            await DisposeHostAsync(host);
            throw new SiloUnreachableException(
                $"could not connect to a silo at {settings.Description} (cluster '{settings.ClusterId}', service '{settings.ServiceId}'): {exception.Message}",
                exception);
        }
        catch
        {
            await DisposeHostAsync(host);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await DisposeHostAsync(_host);

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

    private static async Task DisposeHostAsync(IHost host)
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
    }
}

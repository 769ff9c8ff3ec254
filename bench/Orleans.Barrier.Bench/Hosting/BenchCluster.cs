using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Orleans.Barrier.Bench.Hosting;

/// <summary>
/// Silos and external clients, each in a generic host of its own, all in this process: a client reaches the silos'
/// gateways over loopback TCP exactly as a client in another process would, with every message serialized, and
/// several clients have their own connections and client ids as several client processes would.
/// Default settings throughout (AddBarriers() with its in-memory storage, default response timeout), because the
/// defaults are what users get.
/// </summary>
internal sealed class BenchCluster : IAsyncDisposable
{
    private const string ClusterId = "bench";
    private const string ServiceId = "orleans-barrier-bench";
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly List<IHost> _silos = [];
    private readonly List<IHost> _clientHosts = [];
    private readonly List<IClusterClient> _clients = [];
    private readonly List<IPEndPoint> _gateways = [];

    private BenchCluster()
    {
    }

    /// <summary>The external clients, in start order: the participants' grain factories in client mode.</summary>
    public IReadOnlyList<IClusterClient> Clients => _clients.Count > 0 ? _clients : throw new InvalidOperationException("The cluster has not started.");

    /// <summary>The silos' gateways, where clients in other processes connect (<c>--processes</c>).</summary>
    public IReadOnlyList<IPEndPoint> Gateways => _gateways;

    /// <summary>The first external client: the one for everything but the participants of the latency rounds.</summary>
    public IClusterClient Client => Clients[0];

    /// <summary>The barrier settings the silos run with.</summary>
    public BarrierHostOptions BarrierOptions => _silos[0].Services.GetRequiredService<IOptions<BarrierHostOptions>>().Value;

    /// <summary>The client's response timeout, which sets how long the barrier holds each of its polls.</summary>
    public TimeSpan ClientResponseTimeout => _clientHosts[0].Services.GetRequiredService<IOptions<ClientMessagingOptions>>().Value.ResponseTimeout;

    /// <summary>Starts <paramref name="siloCount"/> silos, then <paramref name="clientCount"/> clients, each connected to every silo's gateway.</summary>
    public static async Task<BenchCluster> StartAsync(int siloCount, int clientCount, LogLevel logLevel)
    {
        var cluster = new BenchCluster();
        try
        {
            var ports = FreeLoopbackPorts(siloCount * 2);
            var gateways = cluster._gateways;
            IPEndPoint? primary = null;
            for (var i = 0; i < siloCount; i++)
            {
                var siloPort = ports[2 * i];
                var gatewayPort = ports[(2 * i) + 1];
                var silo = BuildSilo(siloPort, gatewayPort, primary, logLevel);
                cluster._silos.Add(silo);

                // One at a time: later silos join through the primary, which must be up first.
                await silo.StartAsync();
                primary ??= new IPEndPoint(IPAddress.Loopback, siloPort);
                gateways.Add(new IPEndPoint(IPAddress.Loopback, gatewayPort));
            }

            for (var i = 0; i < clientCount; i++)
            {
                var client = BuildClient(gateways, logLevel);

                // Listed before it starts, so a client that fails to connect is still stopped and disposed.
                cluster._clientHosts.Add(client);
                await client.StartAsync();
                cluster._clients.Add(client.Services.GetRequiredService<IClusterClient>());
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _clients.Clear();
        for (var i = _clientHosts.Count - 1; i >= 0; i--)
        {
            await StopAsync(_clientHosts[i]);
        }

        _clientHosts.Clear();

        for (var i = _silos.Count - 1; i >= 0; i--)
        {
            await StopAsync(_silos[i]);
        }

        _silos.Clear();
    }

    private static IHost BuildSilo(int siloPort, int gatewayPort, IPEndPoint? primary, LogLevel logLevel)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostLifetime, SilentHostLifetime>();
        ConfigureLogging(builder.Logging, logLevel);
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, primary, ServiceId, ClusterId)
            .AddBarriers());
        return builder.Build();
    }

    /// <summary>An external client of the bench's cluster, not yet started: for this process's clients and for a client process's one alike.</summary>
    public static IHost BuildClient(IReadOnlyList<IPEndPoint> gateways, LogLevel logLevel)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostLifetime, SilentHostLifetime>();
        ConfigureLogging(builder.Logging, logLevel);
        builder.UseOrleansClient(client => client
            .UseStaticClustering([.. gateways])
            .Configure<ClusterOptions>(options =>
            {
                options.ClusterId = ClusterId;
                options.ServiceId = ServiceId;
            }));
        return builder.Build();
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LogLevel logLevel)
    {
        // stdout carries the table alone; every log line goes to stderr with the progress.
        logging.AddSimpleConsole(console => console.SingleLine = true)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(logLevel);
        if (logLevel >= LogLevel.Warning)
        {
            // Start-up notes of no use here ("not running with ServerGC" on a small machine), and a watchdog that
            // reports the load of the bench itself as stalls.
            logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
            logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        }
    }

    /// <summary>Stops <paramref name="host"/>, bounded, and disposes it.</summary>
    public static async Task StopAsync(IHost host)
    {
        using var stopping = new CancellationTokenSource(StopTimeout);
        try
        {
            await host.StopAsync(stopping.Token);
        }
        finally
        {
            host.Dispose();
        }
    }

    private static int[] FreeLoopbackPorts(int count)
    {
        // Hold every listener until all ports are picked, so the OS cannot hand out the same port twice.
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}

using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Client.Hosting;
using Orleans.Hosting;

namespace Orleans.Barrier.Client.Demo;

/// <summary>
/// A cluster of silos inside this process, each in its own generic host on free loopback ports, the later ones
/// joining the first. Disposing it stops them, newest first, so none has to notice a dead primary.
/// </summary>
internal sealed class EmbeddedCluster : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly List<IHost> _hosts = [];
    private readonly List<IPEndPoint> _silos = [];
    private readonly List<IPEndPoint> _gateways = [];

    private EmbeddedCluster()
    {
    }

    /// <summary>The silo-to-silo endpoints, primary first.</summary>
    public IReadOnlyList<IPEndPoint> Silos => _silos;

    /// <summary>The client gateway endpoints, in the same order as <see cref="Silos"/>.</summary>
    public IReadOnlyList<IPEndPoint> Gateways => _gateways;

    public static async Task<EmbeddedCluster> StartAsync(int siloCount, string clusterId, string serviceId, LogLevel logLevel, CancellationToken cancellationToken)
    {
        var ports = FreeLoopbackPorts(siloCount * 2);
        var cluster = new EmbeddedCluster();
        try
        {
            for (var i = 0; i < siloCount; i++)
            {
                var silo = new IPEndPoint(IPAddress.Loopback, ports[2 * i]);
                var gateway = new IPEndPoint(IPAddress.Loopback, ports[(2 * i) + 1]);
                var primary = i == 0 ? null : cluster._silos[0];
                var host = BuildSilo(silo.Port, gateway.Port, primary, clusterId, serviceId, logLevel);
                cluster._hosts.Add(host);

                // One at a time: a silo joins through the primary, which must be up first.
                await host.StartAsync(cancellationToken);
                cluster._silos.Add(silo);
                cluster._gateways.Add(gateway);
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
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            using var stopping = new CancellationTokenSource(StopTimeout);
            try
            {
                await _hosts[i].StopAsync(stopping.Token);
            }
            finally
            {
                _hosts[i].Dispose();
            }
        }

        _hosts.Clear();
    }

    private static IHost BuildSilo(int siloPort, int gatewayPort, IPEndPoint? primary, string clusterId, string serviceId, LogLevel logLevel)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<IHostLifetime, SilentHostLifetime>();

        // Normally warnings and worse only: the demo's timeline is the output, silo chatter would bury it.
        builder.Logging.AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(logLevel);
        if (logLevel >= LogLevel.Warning)
        {
            // Start-up notes that are no use here: "not running with ServerGC", and a watchdog whose first check
            // reports the time since the process started as a stall.
            builder.Logging.AddFilter("Orleans.Runtime.Silo", LogLevel.Error);
            builder.Logging.AddFilter("Orleans.Runtime.Watchdog", LogLevel.Error);
        }
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, primary, serviceId, clusterId)
            .AddBarriers());
        return builder.Build();
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

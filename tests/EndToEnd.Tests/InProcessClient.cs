using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;

namespace Orleans.Barrier.Tests;

/// <summary>
/// An Orleans client in the test process that talks only to the gateways it is given, with a response timeout of the
/// test's choosing. A test that kills a silo connects through the others, so none of its own calls rides on the
/// connection that dies.
/// </summary>
internal sealed class InProcessClient : IAsyncDisposable
{
    private static readonly TimeSpan ConnectBound = TimeSpan.FromSeconds(30);
    private readonly IHost _host;

    private InProcessClient(IHost host)
    {
        _host = host;
        Client = host.Services.GetRequiredService<IClusterClient>();
    }

    public IClusterClient Client { get; }

    /// <summary>Connects to the gateways of <paramref name="silos"/>, which must be ready.</summary>
    /// <param name="clusterId">The silos' cluster id (the service id is the silo's default).</param>
    /// <param name="silos">The silos whose gateways this client may use.</param>
    /// <param name="responseTimeout">How long a call may go unanswered; <see langword="null"/> keeps Orleans' 30 s.</param>
    public static async Task<InProcessClient> ConnectAsync(string clusterId, IEnumerable<SiloProcess> silos, TimeSpan? responseTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleansClient(client =>
        {
            client
                .UseStaticClustering([.. silos.Select(silo => new IPEndPoint(IPAddress.Loopback, silo.GatewayPort))])
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = "orleans-barrier";
                });
            if (responseTimeout is { } timeout)
            {
                client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = timeout);
            }
        });

        var host = builder.Build();
        try
        {
            await host.StartAsync().WaitAsync(ConnectBound);
            return new InProcessClient(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Bounded: a gateway that has gone would never answer the goodbye.
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _host.StopAsync(stopping.Token);
        }
        catch (OperationCanceledException)
        {
        }

        _host.Dispose();
    }
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Two real silo processes (src/Silo) in one cluster and a client in this process that knows both gateways. A test
/// class either owns one per test (it kills a silo) or shares one through <see cref="IClassFixture{TFixture}"/>.
/// </summary>
public sealed class SiloProcessCluster : IAsyncLifetime
{
    private const string ServiceId = "orleans-barrier";
    private static readonly TimeSpan StartupBound = TimeSpan.FromSeconds(90);
    private readonly List<SiloProcess> _silos = [];
    private readonly List<string> _startupNotes = [];
    private IHost? _clientHost;

    internal string ClusterId { get; } = $"e2e-{Guid.NewGuid():N}";

    internal SiloProcess Primary => _silos[0];

    internal SiloProcess Secondary => _silos[1];

    internal IClusterClient Client => _clientHost!.Services.GetRequiredService<IClusterClient>();

    /// <summary>What happened while starting (retries, durations), for a test to print: a fixture has no test output.</summary>
    internal IReadOnlyList<string> StartupNotes => _startupNotes;

    public async Task InitializeAsync()
    {
        var starting = Stopwatch.StartNew();
        _silos.Add(SiloProcess.Start(ClusterId));
        _silos.Add(SiloProcess.Start(ClusterId, primarySiloPort: _silos[0].SiloPort));
        await Task.WhenAll(_silos.Select(silo => silo.WaitUntilReadyAsync(StartupBound)));
        _startupNotes.Add($"silo processes ready after {starting.Elapsed.TotalSeconds:F1}s");
        _clientHost = await ConnectAsync();
        await WaitForActiveSilosAsync(2);
        _startupNotes.Add($"client connected, both silos active after {starting.Elapsed.TotalSeconds:F1}s");
    }

    public async Task DisposeAsync()
    {
        if (_clientHost is not null)
        {
            await _clientHost.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
            _clientHost.Dispose();
        }

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
    }

    /// <summary>The command-line client's options that connect it to <paramref name="silo"/>'s gateway in this cluster.</summary>
    internal string[] GatewayArguments(SiloProcess silo) => ["--gateway", $"127.0.0.1:{silo.GatewayPort}", "--cluster-id", ClusterId];

    private async Task<IHost> ConnectAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleansClient(client => client
                .UseLocalhostClustering([Primary.GatewayPort, Secondary.GatewayPort], ServiceId, ClusterId)
                // A gateway the client once found closed stays shunned for this period (1 minute by default);
                // keep it short so a slow silo start cannot leave every call on one gateway.
                .Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5)));
            var host = builder.Build();
            try
            {
                await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
                return host;
            }
            catch (Exception exception) when (deadline.Elapsed < StartupBound)
            {
                // The silo processes are still starting; try again.
                _startupNotes.Add($"client not connected yet: {exception.GetType().Name}");
                host.Dispose();
                await Task.Delay(500);
            }
            catch (Exception exception)
            {
                throw new InvalidOperationException(
                    $"No silo accepted the client within {StartupBound}. Primary:\n{Primary.Output}\nSecondary:\n{Secondary.Output}", exception);
            }
        }
    }

    private async Task WaitForActiveSilosAsync(int count)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        using var timeout = new CancellationTokenSource(StartupBound);
        while ((await management.GetHosts(onlyActive: true).WaitAsync(timeout.Token)).Count < count)
        {
            await Task.Delay(200, timeout.Token);
        }
    }
}

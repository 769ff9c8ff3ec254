// HelloBarrier: a silo that hosts barriers and a client whose participants meet at one, in one process, built
// against the Orleans.Barrier packages. Exits 0 when every round handed out each index 0..N-1 exactly once.
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Barrier;

const int Participants = 5;
const int Rounds = 2;
// Not Orleans' defaults (11111, 30000), so the sample can run beside a silo started from src/Silo.
const int SiloPort = 11311;
const int GatewayPort = 30311;

// The silo: any Orleans silo, plus AddBarriers().
var siloBuilder = Host.CreateApplicationBuilder(args);
siloBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
siloBuilder.UseOrleans(silo => silo
    .UseLocalhostClustering(siloPort: SiloPort, gatewayPort: GatewayPort)
    .AddBarriers());
using var silo = siloBuilder.Build();
await silo.StartAsync();

// The client: an ordinary Orleans client; barriers need no registration on it.
var clientBuilder = Host.CreateApplicationBuilder(args);
clientBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
clientBuilder.UseOrleansClient(client => client.UseLocalhostClustering(gatewayPort: GatewayPort));
using var clientHost = clientBuilder.Build();
await clientHost.StartAsync();
var client = clientHost.Services.GetRequiredService<IClusterClient>();

var failures = 0;
for (var round = 1; round <= Rounds; round++)
{
    // Each participant takes its own handle, as separate workers would; the same name makes it one barrier, and
    // the barrier is cyclic, so the second round reuses it.
    var waits = Enumerable.Range(0, Participants)
        .Select(_ => client.GetBarrier("hello-barrier", Participants).WaitAsync(TimeSpan.FromMinutes(1)))
        .ToArray();
    var indices = await Task.WhenAll(waits);
    Console.WriteLine($"round {round}: released with indices {string.Join(", ", indices)}");

    var sorted = indices.Order().ToArray();
    if (!sorted.SequenceEqual(Enumerable.Range(0, Participants)))
    {
        Console.Error.WriteLine($"round {round}: expected each index 0..{Participants - 1} once");
        failures++;
    }
}

var status = await client.GetBarrier("hello-barrier", Participants).GetStatusAsync();
Console.WriteLine($"barrier '{status.Name}': {status.State}, phase {status.Phase}");

await clientHost.StopAsync();
await silo.StopAsync();
return failures == 0 && status.Phase == Rounds ? 0 : 1;

using System.Diagnostics;
using Orleans.Barrier;
using Orleans.Barrier.Bench;
using Orleans.TestingHost;

// Release-mode micro-benchmark of one barrier phase against a plain grain call, measured side by side on the
// same in-process two-silo cluster, interleaved round by round so machine noise hits both alike.
// Usage: dotnet run -c Release --project bench/Orleans.Barrier.Bench [-- rounds]
var rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7;
int[] partyCounts = [2, 10, 100, 1000];

var builder = new TestClusterBuilder(initialSilosCount: 2);
builder.AddSiloBuilderConfigurator<BenchSiloConfigurator>();
var cluster = builder.Build();
await cluster.DeployAsync();
var client = cluster.Client;

try
{
    Console.WriteLine($"Orleans.Barrier bench: {Environment.ProcessorCount} cores, {rounds} rounds, 2-silo in-process TestCluster");
    Console.WriteLine();
    Console.WriteLine($"{"scenario",-28} {"min",10} {"median",10} {"max",10} {"vs call",9}");

    // Baseline: one grain call round trip to a barrier grain (a status read).
    var probe = client.GetBarrier("bench-probe", 1);
    await probe.GetStatusAsync();
    var callSamples = new List<double>();

    var phaseSamples = partyCounts.ToDictionary(p => p, _ => new List<double>());
    var barriers = partyCounts.ToDictionary(p => p, p => client.GetBarrier($"bench-{p}", p));
    foreach (var (_, barrier) in barriers)
    {
        await RunPhaseAsync(barrier); // warm-up: activation, code paths, connections
    }

    for (var round = 0; round < rounds; round++)
    {
        callSamples.Add(await TimeAsync(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                await probe.GetStatusAsync();
            }
        }) / 100);

        foreach (var parties in partyCounts)
        {
            var phases = parties >= 1000 ? 3 : parties >= 100 ? 10 : 50;
            phaseSamples[parties].Add(await TimeAsync(async () =>
            {
                for (var i = 0; i < phases; i++)
                {
                    await RunPhaseAsync(barriers[parties]);
                }
            }) / phases);
        }
    }

    var callMedian = Median(callSamples);
    Report("grain call (status read)", callSamples, callMedian);
    foreach (var parties in partyCounts)
    {
        Report($"phase, {parties} client parties", phaseSamples[parties], callMedian);
    }
}
finally
{
    await cluster.StopAllSilosAsync();
    await cluster.DisposeAsync();
}

static async Task RunPhaseAsync(IDistributedBarrier barrier)
{
    var waits = new Task<int>[barrier.Parties];
    for (var i = 0; i < waits.Length; i++)
    {
        waits[i] = barrier.WaitAsync();
    }

    await Task.WhenAll(waits);
}

static async Task<double> TimeAsync(Func<Task> action)
{
    var started = Stopwatch.GetTimestamp();
    await action();
    return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

static double Median(List<double> samples)
{
    var sorted = samples.Order().ToList();
    return sorted[sorted.Count / 2];
}

static void Report(string scenario, List<double> samples, double callMedian)
{
    var median = Median(samples);
    Console.WriteLine($"{scenario,-28} {samples.Min(),8:F3}ms {median,8:F3}ms {samples.Max(),8:F3}ms {median / callMedian,8:F1}x");
}

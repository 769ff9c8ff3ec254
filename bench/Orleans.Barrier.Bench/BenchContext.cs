using Orleans.Barrier.Bench.Hosting;
using Orleans.Barrier.Bench.Measurement;
using Orleans.Barrier.Bench.Processes;
using Orleans.Barrier.Bench.Reporting;
using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench;

/// <summary>What every section of a run shares: the cluster, the settings, where progress and results go.</summary>
/// <param name="processes">The client processes of <c>--processes</c>, which the latency rounds run in, or null.</param>
internal sealed class BenchContext(BenchCluster cluster, BenchSettings settings, IReadOnlyList<Scenario> ours, BenchReport report, Progress progress, TextWriter output, ClientProcessPool? processes)
{
    public BenchCluster Cluster => cluster;

    /// <summary>The first external client, which every section but the latency rounds uses.</summary>
    public IClusterClient Client => cluster.Client;

    public BenchSettings Settings => settings;

    /// <summary>Our barrier, once per topology this build accepts.</summary>
    public IReadOnlyList<Scenario> Ours => ours;

    public BenchReport Report => report;

    public Progress Progress => progress;

    /// <summary>Where the tables go (stdout).</summary>
    public TextWriter Output => output;

    /// <summary>How often a parked client waiter re-issues its poll: the handle asks for half the client's response timeout, the grain caps it at the host's maximum and at a third of the lease.</summary>
    public TimeSpan PollInterval
    {
        get
        {
            var options = cluster.BarrierOptions;
            var poll = TimeSpan.FromTicks(Math.Max(cluster.ClientResponseTimeout.Ticks / 2, TimeSpan.FromMilliseconds(250).Ticks));
            poll = poll < options.MaxPollInterval ? poll : options.MaxPollInterval;
            return options.DefaultLeaseDuration == Timeout.InfiniteTimeSpan || poll < options.DefaultLeaseDuration / 3
                ? poll
                : options.DefaultLeaseDuration / 3;
        }
    }

    /// <summary>The latency rounds' runner: in the client processes if there are any (but the floor), else in this process.</summary>
    public PhaseRoundRunner Rounds { get; } = new(cluster.Clients, settings.Participants, settings.RoundTimeout, processes);

    /// <summary>Rounds always in this process, for the sections that measure this process's heap.</summary>
    public PhaseRoundRunner InProcessRounds { get; } = new(cluster.Clients, settings.Participants, settings.RoundTimeout);

    /// <summary>Polls <paramref name="count"/> until it reaches <paramref name="expected"/>, bounded, so a measurement starts from the state it names.</summary>
    public static async Task WaitUntilAsync(Func<Task<int>> count, int expected, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var now = await count();
            if (now == expected)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new BenchFailureException($"{what}: {now} of {expected} after 2 minutes.");
            }

            await Task.Delay(20, cancellationToken);
        }
    }
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;

namespace Orleans.Barrier.Bench;

/// <summary>The bench's options. Every option left out takes the full run's default, or <c>--quick</c>'s.</summary>
internal static class BenchCommandLine
{
    /// <summary>The hidden command a client process of <c>--processes</c> runs: <c>worker --gateways A:P,... [--verbose]</c>.</summary>
    public const string WorkerCommandName = "worker";

    /// <summary>The worker's option naming the silos' gateways.</summary>
    public const string GatewaysOptionName = "--gateways";

    /// <summary>Also print the Orleans runtime's information log lines; the bench's and the worker's alike.</summary>
    public const string VerboseOptionName = "--verbose";

    private static readonly Option<bool> Quick = new("--quick")
    {
        Description = "A smoke run (< 2 min): N up to 1024, 2 rounds, short sustained and idle windows. Its numbers are not a measurement.",
    };

    private static readonly Option<int[]?> Parties = new("--parties")
    {
        Description = "Party counts of the latency table, comma-separated. Default 2,16,128,1024,10000 (quick: 2,16,128,1024).",
        HelpName = "N,N,...",
        CustomParser = result => ParseList(result, ParseInt, n => n >= 1, "a party count of at least 1"),
    };

    private static readonly Option<BarrierTopology[]?> Topologies = new("--topology")
    {
        Description = "Topologies of our barrier, comma-separated: auto, single, tiered; one table row each. Default single.",
        HelpName = "auto|single|tiered,...",
        CustomParser = result => ParseList(result, ParseTopology, _ => true, "auto, single or tiered"),
    };

    private static readonly Option<string[]?> Rows = new("--rows")
    {
        Description = "Rows of the latency table, comma-separated: floor, naive, ours (one arrival per participant), coalesced (a process's arrivals coalesced). Default all; e.g. 'floor,coalesced' for a 1,000,000-party run.",
        HelpName = "floor|naive|ours|coalesced,...",
        CustomParser = result => ParseList(result, text => text.ToLowerInvariant(), r => r is "floor" or "naive" or "ours" or "coalesced", "floor, naive, ours or coalesced"),
    };

    private static readonly Option<ParticipantMode> Participants = new("--participants")
    {
        Description = "client: tasks on the external clients over loopback (participant i on client i mod --clients). grain: grains co-hosted on the silos.",
        DefaultValueFactory = _ => ParticipantMode.Client,
    };

    private static readonly Option<int> Silos = new("--silos")
    {
        Description = "Silos in the embedded cluster.",
        HelpName = "N",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int> Clients = new("--clients")
    {
        Description = "External clients in the embedded cluster, each with its own connections to every silo's gateway, as if K client processes; "
            + "participant i of a round uses client i mod K (--participants client). The other sections use the first.",
        HelpName = "K",
        DefaultValueFactory = _ => 1,
    };

    private static readonly Option<int?> Processes = new("--processes")
    {
        HelpName = "K",
        Description = "Run the latency rounds' participants in K client processes (this program again, each with its own Orleans client, GC and thread pool), "
            + "a round's participants split evenly over them; needs --participants client. The floor stays in this process (its rendezvous costs no message only "
            + "within one), and so do the other sections. Default: off, every participant in this process.",
    };

    private static readonly Option<int?> Shards = new("--shards")
    {
        HelpName = "N",
        Description = $"Shard grains of our tiered barrier (BarrierOptions.Shards), 1 to {BarrierOptions.MaxShards}; needs --topology tiered. "
            + "Default: the library's choice, one per 256 parties, at least 2.",
    };

    private static readonly Option<double?> WarmUp = new("--warm-up")
    {
        HelpName = "SECONDS",
        Description = "Seconds every scenario runs in turn, unmeasured, before the first measured round (JIT tiering settles). Default 5 (quick: 2).",
    };

    private static readonly Option<int?> Rounds = new("--rounds")
    {
        HelpName = "N",
        Description = "Measured rounds per party count, each running every scenario once. Default 5 (quick: 2).",
    };

    private static readonly Option<int?> ArrivalsPerRound = new("--arrivals-per-round")
    {
        HelpName = "N",
        Description = "Arrivals one scenario's round aims at; phases = this / N, clamped to [--min-phases, --max-phases]. Default 20000 (quick: 3000).",
    };

    private static readonly Option<int?> MinPhases = new("--min-phases") { HelpName = "N", Description = "Fewest phases per round. Default 3 (quick: 2)." };

    private static readonly Option<int?> MaxPhases = new("--max-phases") { HelpName = "N", Description = "Most phases per round. Default 1000 (quick: 300)." };

    private static readonly Option<int?> MemoryWaiters = new("--memory-waiters")
    {
        HelpName = "N",
        Description = "Waiters parked to measure memory per waiting participant; 0 skips. Default 10000 (quick: 1024).",
    };

    private static readonly Option<double?> Sustain = new("--sustain")
    {
        HelpName = "SECONDS",
        Description = "Seconds N = 2 runs free to show whether memory stays bounded; 0 skips. Default 60 (quick: 5).",
    };

    private static readonly Option<int?> IdleWaiters = new("--idle-waiters")
    {
        HelpName = "N",
        Description = "Waiters parked while idle CPU is measured; 0 skips. Default 10000 (quick: 1024).",
    };

    private static readonly Option<double?> IdleWindow = new("--idle-window")
    {
        HelpName = "SECONDS",
        Description = "Seconds of each idle CPU window (without, then with the waiters). Default 60 (quick: 5).",
    };

    private static readonly Option<double> RoundTimeout = new("--round-timeout")
    {
        Description = "Seconds one round may take before the run fails.",
        HelpName = "SECONDS",
        DefaultValueFactory = _ => 120,
    };

    private static readonly Option<string?> Json = new("--json") { Description = "Also write the results as JSON to this file.", HelpName = "PATH" };

    private static readonly Option<bool> Verbose = new(VerboseOptionName) { Description = "Also print the Orleans runtime's information log lines (stderr)." };

    private static readonly Option<IPEndPoint[]?> WorkerGateways = new(GatewaysOptionName)
    {
        Description = "The silos' gateways to connect to, comma-separated.",
        HelpName = "ADDRESS:PORT,...",
        Required = true,
        CustomParser = result => ParseList(result, IPEndPoint.Parse, _ => true, "a gateway's address:port"),
    };

    private static readonly Option<bool> WorkerVerbose = new(VerboseOptionName) { Description = "Also print the Orleans client's information log lines (stderr)." };

    /// <summary>The bench's command line.</summary>
    /// <param name="run">A bench run: the settings, whether verbose.</param>
    /// <param name="work">A client process of <c>--processes</c> (the hidden worker command): its gateways, whether verbose.</param>
    public static RootCommand Create(Func<BenchSettings, bool, CancellationToken, Task<int>> run, Func<IReadOnlyList<IPEndPoint>, bool, CancellationToken, Task<int>> work)
    {
        var command = new RootCommand(
            "Orleans.Barrier bench: phase latency and throughput of our barrier next to the floor (N trivial calls into one grain) and a naive "
            + "one-grain barrier, interleaved round by round in one process (embedded silos, external clients over loopback); memory per "
            + "waiter, allocations per arrival, memory after a sustained run, CPU of idle waiters. Progress goes to stderr, the table to stdout.")
        {
            Quick, Parties, Topologies, Rows, Participants, Silos, Clients, Processes, Shards, WarmUp, Rounds, ArrivalsPerRound, MinPhases, MaxPhases,
            MemoryWaiters, Sustain, IdleWaiters, IdleWindow, RoundTimeout, Json, Verbose,
        };
        command.Validators.Add(Validate);
        command.SetAction((result, cancellationToken) => run(ToSettings(result), result.GetValue(Verbose), cancellationToken));

        // Started by the bench itself (Processes.ClientProcess), never by a user: hidden from --help.
        var worker = new Command(WorkerCommandName, "A client process of --processes: connects to the gateways, then runs the rounds it reads on stdin.")
        {
            WorkerGateways, WorkerVerbose,
        };
        worker.Hidden = true;
        worker.SetAction((result, cancellationToken) => work(result.GetValue(WorkerGateways)!, result.GetValue(WorkerVerbose), cancellationToken));
        command.Subcommands.Add(worker);
        return command;
    }

    private static BenchSettings ToSettings(ParseResult result)
    {
        var quick = result.GetValue(Quick);
        T Pick<T>(T? given, T full, T smoke)
            where T : struct => given ?? (quick ? smoke : full);

        // Only a contradiction the user typed is an error; a --min-phases above a default maximum raises the maximum.
        var minPhases = Pick(result.GetValue(MinPhases), 3, 2);
        return new BenchSettings
        {
            Quick = quick,

            // A list option left out reads as an empty list, not null.
            Parties = result.GetValue(Parties) is { Length: > 0 } parties ? parties : (quick ? [2, 16, 128, 1024] : [2, 16, 128, 1024, 10_000]),
            Topologies = result.GetValue(Topologies) is { Length: > 0 } topologies ? topologies : [BarrierTopology.SingleGrain],
            Rows = new HashSet<string>(result.GetValue(Rows) is { Length: > 0 } rows ? rows : ["floor", "naive", "ours", "coalesced"], StringComparer.Ordinal),
            Participants = result.GetValue(Participants),
            Silos = result.GetValue(Silos),
            Clients = result.GetValue(Clients),
            Processes = result.GetValue(Processes) ?? 0,
            Shards = result.GetValue(Shards),
            WarmUp = TimeSpan.FromSeconds(Pick(result.GetValue(WarmUp), 5, 2)),
            Rounds = Pick(result.GetValue(Rounds), 5, 2),
            ArrivalsPerRound = Pick(result.GetValue(ArrivalsPerRound), 20_000, 3_000),
            MinPhases = minPhases,
            MaxPhases = Math.Max(Pick(result.GetValue(MaxPhases), 1000, 300), minPhases),
            MemoryWaiters = Pick(result.GetValue(MemoryWaiters), 10_000, 1024),
            Sustain = TimeSpan.FromSeconds(Pick(result.GetValue(Sustain), 60, 5)),
            IdleWaiters = Pick(result.GetValue(IdleWaiters), 10_000, 1024),
            IdleWindow = TimeSpan.FromSeconds(Pick(result.GetValue(IdleWindow), 60, 5)),
            RoundTimeout = TimeSpan.FromSeconds(result.GetValue(RoundTimeout)),
            JsonPath = result.GetValue(Json),
        };
    }

    /// <summary>The option's value if it was given and parsed. A value that is not a number makes GetValue throw; the
    /// parser reports it as an error of its own, so the range checks skip it.</summary>
    private static bool TryGetGiven<T>(CommandResult result, Option<T> option, out T value)
    {
        value = default!;
        if (result.GetResult(option) is null)
        {
            return false;
        }

        try
        {
            value = result.GetValue(option)!;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void Validate(CommandResult result)
    {
        void AtLeast<T>(Option<T> option, double min, Func<T, double?> value)
        {
            if (TryGetGiven(result, option, out var given) && value(given) is { } v && v < min)
            {
                result.AddError($"{option.Name} must be at least {min.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        AtLeast(Silos, 1, v => v);
        AtLeast(Clients, 1, v => v);
        AtLeast(Processes, 1, v => v);
        AtLeast(Shards, 1, v => v);
        AtLeast(WarmUp, 0, v => v);
        AtLeast(Rounds, 1, v => v);
        AtLeast(ArrivalsPerRound, 1, v => v);
        AtLeast(MinPhases, 1, v => v);
        AtLeast(MaxPhases, 1, v => v);
        AtLeast(MemoryWaiters, 0, v => v);
        AtLeast(Sustain, 0, v => v);
        AtLeast(IdleWaiters, 0, v => v);
        AtLeast(IdleWindow, 0.1, v => v);
        AtLeast(RoundTimeout, 1, v => v);
        if (TryGetGiven(result, MinPhases, out var min) && TryGetGiven(result, MaxPhases, out var max) && min > max)
        {
            result.AddError("--min-phases must not exceed --max-phases.");
        }

        // A participant grain lives on a silo, and every silo is in this process.
        if (result.GetResult(Processes) is not null && result.GetValue(Participants) != ParticipantMode.Client)
        {
            result.AddError($"{Processes.Name} needs --participants client.");
        }

        if (TryGetGiven(result, Shards, out var shards) && shards > BarrierOptions.MaxShards)
        {
            result.AddError($"{Shards.Name} must be at most {BarrierOptions.MaxShards}.");
        }

        // Only a tiered handle has shards: without one, --shards would change nothing and say nothing.
        if (result.GetResult(Shards) is not null && result.GetValue(Topologies)?.Contains(BarrierTopology.Tiered) != true)
        {
            result.AddError($"{Shards.Name} needs --topology tiered.");
        }
    }

    private static T[]? ParseList<T>(ArgumentResult result, Func<string, T> parse, Func<T, bool> isValid, string expected)
    {
        var items = new List<T>();
        foreach (var token in result.Tokens)
        {
            foreach (var text in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                T item;
                try
                {
                    item = parse(text);
                }
                catch (Exception exception) when (exception is FormatException or OverflowException or ArgumentException)
                {
                    result.AddError($"'{text}' is not {expected}.");
                    return null;
                }

                if (!isValid(item))
                {
                    result.AddError($"'{text}' is not {expected}.");
                    return null;
                }

                items.Add(item);
            }
        }

        if (items.Count == 0)
        {
            result.AddError($"Expected {expected}.");
            return null;
        }

        return [.. items.Distinct()];
    }

    private static BarrierTopology ParseTopology(string text) => text.ToUpperInvariant() switch
    {
        "AUTO" => BarrierTopology.Auto,
        "SINGLE" or "SINGLEGRAIN" => BarrierTopology.SingleGrain,
        "TIERED" => BarrierTopology.Tiered,
        _ => throw new FormatException(text),
    };

    private static int ParseInt(string text) => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture);
}

using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;

namespace Orleans.Barrier.Client.Commands;

/// <summary>
/// <c>wait NAME --parties N [--timeout T] [--participant NAME] [--lease T] [--on-lost break|evict] [--shards N]</c>:
/// arrive at a barrier and wait for its release.
/// </summary>
internal static class WaitCommand
{
    public static Command Create()
    {
        var name = BarrierSymbols.Name();
        var parties = BarrierSymbols.Parties(required: true, "The number of arrivals that releases the barrier.");
        var timeout = new Option<TimeSpan?>("--timeout", "-t")
        {
            Description = $"If the barrier is not released within T, it breaks (reason Timeout) for every waiter. T: {TimeoutValue.Examples}.",
            HelpName = "T",
            CustomParser = ParseTimeout,
        };
        var participant = Participant();
        var lease = Lease();
        var onLost = OnLost();
        var shards = Shards();
        var connection = ConnectionOptions.ForRunningCluster();

        var command = new Command("wait", "Arrive at a barrier and wait until it releases; prints the index this arrival got. Ctrl+C leaves the barrier.")
        {
            name,
            parties,
            timeout,
            participant,
            lease,
            onLost,
            shards,
        };
        connection.AddTo(command);

        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            return ExpectedFailures.RunAsync(error, async () =>
            {
                var barrierName = parseResult.GetRequiredValue(name);
                var options = new BarrierOptions
                {
                    Parties = parseResult.GetRequiredValue(parties)!.Value,
                    Participant = parseResult.GetValue(participant),
                    LeaseDuration = parseResult.GetValue(lease),
                    OnParticipantLost = parseResult.GetValue(onLost) ?? ParticipantLossPolicy.Break,
                    Topology = parseResult.GetValue(shards) is null ? BarrierTopology.Auto : BarrierTopology.Tiered,
                    Shards = parseResult.GetValue(shards),
                };
                var waitTimeout = parseResult.GetValue(timeout);

                await using var cluster = await connection.ConnectAsync(parseResult, cancellationToken);
                var barrier = cluster.Client.GetBarrier(barrierName, options);

                // Progress goes to stderr so stdout carries only the result.
                var named = options.Participant is { } participantName ? $" as '{ParticipantNames.Printable(participantName)}'" : string.Empty;
                await error.WriteLineAsync($"Waiting at barrier '{barrierName}' ({options.Parties} parties){named}. Ctrl+C leaves it.");
                var started = Stopwatch.GetTimestamp();
                var index = waitTimeout is { } limit
                    ? await barrier.WaitAsync(limit, cancellationToken)
                    : await barrier.WaitAsync(cancellationToken);

                var waited = Stopwatch.GetElapsedTime(started).TotalSeconds;
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Released from barrier '{barrierName}' with index {index} after {waited:0.00}s."));
                return ExitCodes.Success;
            });
        });
        return command;
    }

    private static Option<string?> Participant()
    {
        var participant = new Option<string?>("--participant")
        {
            Description = "The name this arrival goes by in 'status' and in a ParticipantLost error, e.g. worker-17. Default: the client's id.",
            HelpName = "NAME",
        };
        participant.Validators.Add(result =>
        {
            // Checked here, with the barrier's own limits, so a bad name is a usage error before connecting.
            if (result.GetValueOrDefault<string?>() is not { } value)
            {
                return;
            }

            if (string.IsNullOrWhiteSpace(value))
            {
                result.AddError("--participant must not be empty or white space.");
            }
            else if (value.Length > BarrierOptions.MaxParticipantLength)
            {
                result.AddError(string.Create(
                    CultureInfo.InvariantCulture,
                    $"--participant may have at most {BarrierOptions.MaxParticipantLength} characters; got {value.Length}."));
            }
        });
        return participant;
    }

    private static Option<int?> Shards()
    {
        var shards = new Option<int?>("--shards")
        {
            Description = "Arrive through one of N shard grains (a tiered barrier), which pays off when thousands of "
                + $"processes wait at one barrier, each with one participant. 1 to {BarrierOptions.MaxShards}. Default: at the barrier grain itself.",
            HelpName = "N",
        };
        shards.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && (value < 1 || value > BarrierOptions.MaxShards))
            {
                result.AddError(string.Create(CultureInfo.InvariantCulture, $"--shards must be 1 to {BarrierOptions.MaxShards}; got {value}."));
            }
        });
        return shards;
    }

    private static Option<TimeSpan?> Lease() => new("--lease")
    {
        Description = "How long this wait may go unheard (the process died or was cut off) before the barrier counts it as lost; "
            + $"renewed by the running command. Default: the silo's (1 minute). T: {TimeoutValue.Examples}, at least "
            + $"{BarrierOptions.MinLeaseDuration.TotalMilliseconds.ToString(CultureInfo.InvariantCulture)}ms, or 'infinite' for no lease.",
        HelpName = "T",
        CustomParser = ParseLease,
    };

    private static Option<ParticipantLossPolicy?> OnLost()
    {
        // Nullable with no default value, so help does not show the enum's spelling "[default: Break]".
        var onLost = new Option<ParticipantLossPolicy?>("--on-lost")
        {
            Description = "If this wait's lease runs out: 'break' the barrier for every waiter (reason ParticipantLost; the default), "
                + "or 'evict' this arrival as if it had been cancelled and let the others keep waiting.",
            HelpName = "break|evict",
            CustomParser = ParseOnLost,
        };
        onLost.CompletionSources.Add("break", "evict");
        return onLost;
    }

    private static TimeSpan? ParseTimeout(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
        if (TimeoutValue.TryParse(text, out var timeout, out var error))
        {
            return timeout;
        }

        result.AddError(error!);
        return null;
    }

    private static TimeSpan? ParseLease(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (string.Equals(text, "infinite", StringComparison.OrdinalIgnoreCase))
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (!TimeoutValue.TryParse(text, out var lease, out _))
        {
            result.AddError($"'{text}' is not a lease; use e.g. {TimeoutValue.Examples}, or 'infinite'.");
            return null;
        }

        // The barrier refuses shorter leases too; checking here makes it a usage error before connecting.
        if (lease < BarrierOptions.MinLeaseDuration)
        {
            result.AddError(string.Create(
                CultureInfo.InvariantCulture,
                $"--lease must be at least {BarrierOptions.MinLeaseDuration.TotalMilliseconds}ms, or 'infinite' for no lease; got '{text}'."));
            return null;
        }

        return lease;
    }

    private static ParticipantLossPolicy? ParseOnLost(ArgumentResult result)
    {
        // Not the default enum parser: it would also take numbers, including ones that name no policy.
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value.Trim() : string.Empty;
        if (string.Equals(text, "break", StringComparison.OrdinalIgnoreCase))
        {
            return ParticipantLossPolicy.Break;
        }

        if (string.Equals(text, "evict", StringComparison.OrdinalIgnoreCase))
        {
            return ParticipantLossPolicy.Evict;
        }

        result.AddError($"--on-lost must be 'break' or 'evict'; got '{text}'.");
        return null;
    }
}

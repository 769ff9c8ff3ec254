using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>wait NAME --parties N [--timeout T]</c>: arrive at a barrier and wait for its release.</summary>
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
        var connection = ConnectionOptions.ForRunningCluster();

        var command = new Command("wait", "Arrive at a barrier and wait until it releases; prints the index this arrival got. Ctrl+C leaves the barrier.")
        {
            name,
            parties,
            timeout,
        };
        connection.AddTo(command);

        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            return ExpectedFailures.RunAsync(error, async () =>
            {
                var barrierName = parseResult.GetRequiredValue(name);
                var partyCount = parseResult.GetRequiredValue(parties)!.Value;
                var waitTimeout = parseResult.GetValue(timeout);

                await using var cluster = await connection.ConnectAsync(parseResult, cancellationToken);
                var barrier = cluster.Client.GetBarrier(barrierName, partyCount);

                // Progress goes to stderr so stdout carries only the result.
                await error.WriteLineAsync($"Waiting at barrier '{barrierName}' ({partyCount} parties). Ctrl+C leaves it.");
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
}

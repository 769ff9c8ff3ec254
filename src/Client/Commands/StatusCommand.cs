using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>status NAME [--parties N]</c>: print a snapshot of a barrier.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var name = BarrierSymbols.Name();
        var parties = BarrierSymbols.Parties(
            required: false,
            "The party count you expect; creates the barrier if it is new. Without it the barrier is only looked at.");
        var connection = ConnectionOptions.ForRunningCluster();

        var command = new Command("status", "Print a barrier's state, waiting count and phase.") { name, parties };
        connection.AddTo(command);

        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            return ExpectedFailures.RunAsync(parseResult.InvocationConfiguration.Error, async () =>
            {
                var barrierName = parseResult.GetRequiredValue(name);
                var partyCount = parseResult.GetValue(parties);

                await using var cluster = await connection.ConnectAsync(parseResult, cancellationToken);

                // Without a party count, ask the grain directly: the handle needs one, and would create the barrier.
                var status = partyCount is { } count
                    ? await cluster.Client.GetBarrier(barrierName, count).GetStatusAsync(cancellationToken)
                    : await cluster.Client.GetGrain<IBarrierGrain>(barrierName).GetStatusAsync(null).WaitAsync(cancellationToken);

                await output.WriteLineAsync(status is null
                    ? $"Barrier '{barrierName}' has not been used yet."
                    : $"Barrier '{barrierName}': {BarrierStatusText.Format(status)}.");
                return ExitCodes.Success;
            });
        });
        return command;
    }
}

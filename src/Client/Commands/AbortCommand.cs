using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>abort NAME [--parties N]</c>: break a barrier for every current and later waiter.</summary>
internal static class AbortCommand
{
    public static Command Create()
    {
        var name = BarrierSymbols.Name();
        var parties = BarrierSymbols.Parties(
            required: false,
            "The party count you expect. Without it the barrier must already have been used.");
        var connection = ConnectionOptions.ForRunningCluster();

        var command = new Command("abort", "Break a barrier: current and later waits fail (reason Aborted) until it is reset.") { name, parties };
        connection.AddTo(command);

        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            return ExpectedFailures.RunAsync(parseResult.InvocationConfiguration.Error, async () =>
            {
                var barrierName = parseResult.GetRequiredValue(name);
                var partyCount = parseResult.GetValue(parties);

                await using var cluster = await connection.ConnectAsync(parseResult, cancellationToken);

                if (partyCount is { } count)
                {
                    await cluster.Client.GetBarrier(barrierName, count).AbortAsync(cancellationToken);
                }
                else
                {
                    // The grain takes the barrier's own party count, or refuses if the barrier was never used.
                    await cluster.Client.GetGrain<IBarrierGrain>(barrierName).AbortAsync(null).WaitAsync(cancellationToken);
                }

                await output.WriteLineAsync($"Barrier '{barrierName}' aborted: every wait fails with reason Aborted until it is reset.");
                return ExitCodes.Success;
            });
        });
        return command;
    }
}

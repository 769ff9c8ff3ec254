using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>reset NAME [--parties N]</c>: return a barrier to an empty, filling state.</summary>
internal static class ResetCommand
{
    public static Command Create()
    {
        var name = BarrierSymbols.Name();
        var parties = BarrierSymbols.Parties(
            required: false,
            "The party count you expect. Without it the barrier must already have been used.");
        var connection = ConnectionOptions.ForRunningCluster();

        var command = new Command("reset", "Empty a barrier and make it usable again; current waiters fail with reason Reset.") { name, parties };
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
                    await cluster.Client.GetBarrier(barrierName, count).ResetAsync(cancellationToken);
                }
                else
                {
                    // The grain takes the barrier's own party count, or refuses if the barrier was never used.
                    await cluster.Client.GetGrain<IBarrierGrain>(barrierName).ResetAsync(null).WaitAsync(cancellationToken);
                }

                await output.WriteLineAsync($"Barrier '{barrierName}' reset: it is empty and filling again.");
                return ExitCodes.Success;
            });
        });
        return command;
    }
}

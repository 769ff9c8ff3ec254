using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary>
/// Builds the commands that act once on one named barrier with an optional party count (status, abort, reset):
/// the same arguments, connection and error handling, with only the action and its message differing.
/// </summary>
/// <remarks>
/// These commands go through <see cref="IBarrierAdmin"/> rather than <see cref="IDistributedBarrier"/>: the admin
/// takes an optional party count (none means "use the barrier's own, or refuse if it was never used"), which is
/// what an operator who does not know the count needs, while a handle always sends one.
/// </remarks>
internal static class BarrierCommand
{
    /// <summary>
    /// Creates <c>VERB NAME [--parties N]</c>. <paramref name="act"/> gets the cluster's barrier admin, the barrier's name and the
    /// party count (null when not given) and returns the line to print.
    /// </summary>
    public static Command Create(
        string verb,
        string description,
        string partiesDescription,
        Func<IBarrierAdmin, string, int?, CancellationToken, Task<string>> act)
    {
        var name = BarrierSymbols.Name();
        var parties = BarrierSymbols.Parties(required: false, partiesDescription);
        var connection = ConnectionOptions.ForRunningCluster();

        var command = new Command(verb, description) { name, parties };
        connection.AddTo(command);

        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            return ExpectedFailures.RunAsync(parseResult.InvocationConfiguration.Error, async () =>
            {
                var barrierName = parseResult.GetRequiredValue(name);
                var partyCount = parseResult.GetValue(parties);

                await using var cluster = await connection.ConnectAsync(parseResult, cancellationToken);
                await output.WriteLineAsync(await act(cluster.Client.GetBarrierAdmin(), barrierName, partyCount, cancellationToken));
                return ExitCodes.Success;
            });
        });
        return command;
    }
}

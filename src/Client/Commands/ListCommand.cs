using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>list [PREFIX]</c>: print the names of the barriers that exist, one per line, in ordinal order.</summary>
/// <remarks>
/// Stdout carries only names, so <c>list | xargs -n1 barrier-client status</c> works. When none exist, stdout stays
/// empty, a note goes to stderr and the exit code is 0, as <c>status</c> of a never-used barrier is a success too:
/// an empty cluster is an answer, not a failure.
/// </remarks>
internal static class ListCommand
{
    public static Command Create()
    {
        var prefix = new Argument<string?>("prefix")
        {
            Description = "List only the barriers whose names start with this text (case-sensitive). Default: all.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var connection = ConnectionOptions.ForRunningCluster();

        var command = new Command(
            "list",
            "Print the names of the barriers that exist (created by any use, also after their silo died if the barrier storage kept them), one per line, in ordinal order.")
        {
            prefix,
        };
        connection.AddTo(command);

        command.SetAction((parseResult, cancellationToken) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            return ExpectedFailures.RunAsync(error, async () =>
            {
                var namePrefix = parseResult.GetValue(prefix);
                await using var cluster = await connection.ConnectAsync(parseResult, cancellationToken);

                var listed = 0;
                await foreach (var name in cluster.Client.GetBarrierAdmin().ListAsync(namePrefix, cancellationToken))
                {
                    // A name with a newline in it must not pass for two barriers.
                    await output.WriteLineAsync(ParticipantNames.Printable(name));
                    listed++;
                }

                if (listed == 0)
                {
                    await error.WriteLineAsync(string.IsNullOrEmpty(namePrefix)
                        ? "No barriers exist yet."
                        : $"No barrier name starts with '{ParticipantNames.Printable(namePrefix)}'.");
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }
}

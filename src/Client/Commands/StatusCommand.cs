using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>status NAME [--parties N]</c>: print a snapshot of a barrier.</summary>
internal static class StatusCommand
{
    public static Command Create() => BarrierCommand.Create(
        "status",
        "Print a barrier's state, waiting count and phase.",
        "The party count you expect; creates the barrier if it is new. Without it the barrier is only looked at.",
        async (client, name, parties, cancellationToken) =>
        {
            // Without a party count, ask the grain directly: the handle needs one, and would create the barrier.
            var status = parties is { } count
                ? await client.GetBarrier(name, count).GetStatusAsync(cancellationToken)
                : await client.GetGrain<IBarrierGrain>(name).GetStatusAsync(null).WaitAsync(cancellationToken);

            return status is null
                ? $"Barrier '{name}' has not been used yet."
                : $"Barrier '{name}': {BarrierStatusText.Format(status)}.";
        });
}

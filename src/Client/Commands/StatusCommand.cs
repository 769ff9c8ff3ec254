using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>status NAME [--parties N]</c>: print a snapshot of a barrier.</summary>
internal static class StatusCommand
{
    public static Command Create() => BarrierCommand.Create(
        "status",
        "Print a barrier's state, waiting count and phase; why it broke; who is waiting and for how long; and who arrived last phase but not yet in this one.",
        "The party count you expect; creates the barrier if it is new. Without it the barrier is only looked at.",
        async (admin, name, parties, cancellationToken) =>
        {
            // With a party count the barrier is created if it is new; without one it is only looked at.
            var status = await admin.GetStatusAsync(name, parties, cancellationToken);
            return string.Join(Environment.NewLine, BarrierStatusReport.Lines(name, status, DateTimeOffset.UtcNow));
        });
}

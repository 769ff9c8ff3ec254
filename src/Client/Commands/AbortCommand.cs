using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>abort NAME [--parties N]</c>: break a barrier for every current and later waiter.</summary>
internal static class AbortCommand
{
    public static Command Create() => BarrierCommand.Create(
        "abort",
        "Break a barrier: current and later waits fail (reason Aborted) until it is reset.",
        "The party count you expect. Without it the barrier must already have been used.",
        async (admin, name, parties, cancellationToken) =>
        {
            await admin.AbortAsync(name, parties, cancellationToken);
            return $"Barrier '{name}' aborted: every wait fails with reason Aborted until it is reset.";
        });
}

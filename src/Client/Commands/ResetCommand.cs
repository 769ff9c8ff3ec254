using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>reset NAME [--parties N]</c>: return a barrier to an empty, filling state.</summary>
internal static class ResetCommand
{
    public static Command Create() => BarrierCommand.Create(
        "reset",
        "Empty a barrier and make it usable again; current waiters fail with reason Reset.",
        "The party count you expect. Without it the barrier must already have been used.",
        async (admin, name, parties, cancellationToken) =>
        {
            await admin.ResetAsync(name, parties, cancellationToken);
            return $"Barrier '{name}' reset: it is empty and filling again.";
        });
}

using System.CommandLine;

namespace Orleans.Barrier.Client.Commands;

/// <summary>The client's command tree.</summary>
internal static class ClientCommandLine
{
    public static RootCommand Create() => new(
        "Orleans.Barrier client: use distributed barriers on a running silo, or run the self-contained demo.\n" + ExitCodes.Help)
    {
        WaitCommand.Create(),
        StatusCommand.Create(),
        AbortCommand.Create(),
        ResetCommand.Create(),
        ListCommand.Create(),
        DemoCommand.Create(),
    };
}

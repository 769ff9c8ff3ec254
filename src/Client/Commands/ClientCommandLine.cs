using System.CommandLine;
using System.CommandLine.Help;

namespace Orleans.Barrier.Client.Commands;

/// <summary>The client's command tree.</summary>
internal static class ClientCommandLine
{
    /// <summary>The name the tool is installed under (the package's ToolCommandName), shown in help and usage.</summary>
    public const string Name = "orleans-barrier";

    /// <remarks>
    /// A plain command given the root's help and version options rather than a <see cref="RootCommand"/>: a root
    /// command is named after the running assembly (Orleans.Barrier.Client, also when run as the installed tool) and
    /// its name cannot be set. What that leaves out is the root's directives ([suggest], [diagram]), which nothing uses.
    /// </remarks>
    public static Command Create()
    {
        var root = new Command(
            Name,
            "Orleans.Barrier client: use distributed barriers on a running silo, or run the self-contained demo.\n" + ExitCodes.Help)
        {
            new HelpOption(),
            new VersionOption(),
            WaitCommand.Create(),
            StatusCommand.Create(),
            AbortCommand.Create(),
            ResetCommand.Create(),
            ListCommand.Create(),
            DemoCommand.Create(),
        };
        return root;
    }
}

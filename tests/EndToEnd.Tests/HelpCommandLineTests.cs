using System.CommandLine;
using Orleans.Barrier.Client.Commands;

namespace Orleans.Barrier.Tests;

/// <summary>
/// <c>--help</c>, in-process: the usage names the command as it is installed (<c>orleans-barrier</c>), not the
/// assembly that System.CommandLine would name a root command after.
/// </summary>
public sealed class HelpCommandLineTests
{
    [Theory]
    [InlineData(new[] { "--help" }, "orleans-barrier [command] [options]")]
    [InlineData(new[] { "wait", "--help" }, "orleans-barrier wait <name> [options]")]
    [InlineData(new[] { "list", "-h" }, "orleans-barrier list [<prefix>] [options]")]
    public void Help_UsageNamesTheInstalledCommand(string[] args, string usage)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = ClientCommandLine.Create().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(ExitCodes.Success, exitCode);
        var lines = output.ToString().Split(Environment.NewLine).Select(line => line.Trim()).ToList();
        Assert.Contains("Usage:", lines);
        Assert.Equal(usage, lines[lines.IndexOf("Usage:") + 1]);
        Assert.DoesNotContain("Orleans.Barrier.Client", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }
}

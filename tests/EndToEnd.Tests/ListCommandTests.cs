using System.CommandLine;
using Orleans.Barrier.Client.Commands;

namespace Orleans.Barrier.Tests;

/// <summary>
/// The client's <c>list [PREFIX]</c> as its own process against two silo processes: one name per line on stdout, in
/// ordinal order, and an empty listing is a success with a note on stderr. Parsing is also tested in-process.
/// </summary>
public sealed class ListCommandTests(SiloProcessCluster cluster) : IClassFixture<SiloProcessCluster>
{
    [Fact]
    public async Task Cli_List_PrintsTheBarriersWithThePrefixOnePerLineInOrdinalOrder()
    {
        var prefix = $"cli-list-{Guid.NewGuid():N}/";
        string[] names = [prefix + "b", prefix + "a", prefix + "B", prefix + "a/2"];
        var admin = cluster.Client.GetBarrierAdmin();
        foreach (var name in names)
        {
            await admin.GetStatusAsync(name, 2).WaitAsync(TimeSpan.FromSeconds(30));
        }

        // Created through the CLI too, from the other gateway.
        var created = await ClientProcess.RunAsync(["status", prefix + "cli", "--parties", "3", .. cluster.GatewayArguments(cluster.Secondary)]);
        var all = await ClientProcess.RunAsync(["list", prefix, .. cluster.GatewayArguments(cluster.Primary)]);
        var some = await ClientProcess.RunAsync(["list", prefix + "a", .. cluster.GatewayArguments(cluster.Secondary)]);

        Assert.True(created.ExitCode == 0, created.ToString());
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(names.Append(prefix + "cli").Order(StringComparer.Ordinal), Lines(all.Output));
        Assert.True(some.ExitCode == 0, some.ToString());
        Assert.Equal([prefix + "a", prefix + "a/2"], Lines(some.Output));
    }

    [Fact]
    public async Task Cli_List_NoneWithThePrefix_PrintsNothingOnStdoutANoteOnStderrAndSucceeds()
    {
        var prefix = $"cli-list-none-{Guid.NewGuid():N}";

        var run = await ClientProcess.RunAsync(["list", prefix, .. cluster.GatewayArguments(cluster.Primary)]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.ToString());
        Assert.Empty(Lines(run.Output));
        Assert.Contains($"No barrier name starts with '{prefix}'.", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void List_PrefixIsOptional_AndAtMostOne()
    {
        var command = ClientCommandLine.Create();

        Assert.Empty(command.Parse(["list"]).Errors);
        Assert.Empty(command.Parse(["list", "jobs/"]).Errors);
        Assert.NotEmpty(command.Parse(["list", "jobs/", "more/"]).Errors);
    }

    private static string[] Lines(string output)
        => output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}

using System.CommandLine;
using Orleans.Barrier.Client.Demo;

namespace Orleans.Barrier.Client.Commands;

/// <summary><c>demo [--gateway host:port | --redis host:port]</c>: play the barrier demo, on an embedded two-silo cluster unless told otherwise.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var connection = new ConnectionOptions(
            defaultGateway: null,
            "Use the running cluster at this gateway instead of starting an embedded two-silo cluster.");

        var command = new Command(
            "demo",
            "Start a two-silo cluster in this process and show a 5-party barrier: early and late arrivals from grains on both silos and from "
            + "this client, a second cycle on the same barrier, and an abort that every waiter sees. Needs no other process.");
        connection.AddTo(command);

        command.SetAction((parseResult, cancellationToken) => ExpectedFailures.RunAsync(
            parseResult.InvocationConfiguration.Error,
            async () =>
            {
                var running = await connection.GetClusterSettingsAsync(parseResult, cancellationToken);
                if (running is null && connection.Tls.GetSettings(parseResult) is not null)
                {
                    throw new ArgumentException("--tls-cert is for a running cluster (with --gateway or --redis); the embedded demo cluster does not use TLS.");
                }

                var settings = new DemoSettings(
                    running,
                    parseResult.GetRequiredValue(connection.ClusterId),
                    parseResult.GetRequiredValue(connection.ServiceId),
                    parseResult.GetValue(connection.Verbose));
                return await DemoRunner.RunAsync(settings, parseResult.InvocationConfiguration.Output, cancellationToken);
            }));
        return command;
    }
}

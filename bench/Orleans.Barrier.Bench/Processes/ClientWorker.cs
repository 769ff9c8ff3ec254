using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Barrier.Bench.Hosting;
using Orleans.Barrier.Bench.Measurement;
using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench.Processes;

/// <summary>
/// The bench's hidden worker mode, one of <c>--processes</c>' client processes: an Orleans client built as the
/// bench's own, then one round per JSON line on stdin (<see cref="WorkerRound"/>), each answered with one line on
/// stdout (<see cref="WorkerRoundResult"/>). It leaves when stdin closes, even mid-round, so it never outlives the bench.
/// stdout carries the protocol alone; its log lines go to stderr.
/// </summary>
internal static class ClientWorker
{
    /// <summary>A command line that ends the worker as closing stdin does.</summary>
    public const string Quit = "quit";

    public static async Task<int> RunAsync(IReadOnlyList<IPEndPoint> gateways, bool verbose, CancellationToken cancellationToken)
    {
        var commands = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

        // Never disposed: the reader thread may cancel it as this method returns, and it holds no timer or registration.
        var inputClosed = new CancellationTokenSource();

        // A thread of its own blocks on stdin, so a round never waits for a pool thread to notice the bench has gone.
        new Thread(() => ReadCommands(commands.Writer, inputClosed)) { IsBackground = true, Name = "bench commands" }.Start();

        using var leaving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, inputClosed.Token);
        await using var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        var host = BenchCluster.BuildClient(gateways, verbose ? LogLevel.Information : LogLevel.Warning);
        try
        {
            // Bounded by stdin too: a client that cannot reach the gateways retries for as long as it is let.
            await host.StartAsync(leaving.Token);
            var client = host.Services.GetRequiredService<IClusterClient>();
            await WriteLineAsync(output, JsonSerializer.Serialize(new WorkerReady(Environment.ProcessId, Stopwatch.Frequency), WorkerJsonContext.Default.WorkerReady));
            await foreach (var line in commands.Reader.ReadAllAsync(cancellationToken))
            {
                var round = JsonSerializer.Deserialize(line, WorkerJsonContext.Default.WorkerRound)
                    ?? throw new InvalidDataException($"Not a round: '{line}'.");

                // Abandoned if stdin closes meanwhile: the bench has gone, or given up on the round, and wants no answer.
                var result = await RunRoundAsync(client, round).WaitAsync(leaving.Token);
                await WriteLineAsync(output, JsonSerializer.Serialize(result, WorkerJsonContext.Default.WorkerRoundResult));
            }

            return 0;
        }
        catch (OperationCanceledException) when (inputClosed.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 1;
        }
        catch (Exception exception)
        {
            // The bench quotes the last lines of stderr, where a long stack trace would leave no room for what failed.
            await Console.Error.WriteLineAsync(exception.ToString());
            await Console.Error.WriteLineAsync($"Client process failed: {exception.GetType().Name}: {exception.Message}");
            return 1;
        }
        finally
        {
            await BenchCluster.StopAsync(host);
        }
    }

    private static void ReadCommands(ChannelWriter<string> commands, CancellationTokenSource inputClosed)
    {
        try
        {
            using var input = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
            while (input.ReadLine() is { } line && line != Quit)
            {
                if (line.Length > 0)
                {
                    commands.TryWrite(line);
                }
            }
        }
        catch (IOException)
        {
            // A broken stdin ends the worker like a closed one.
        }
        finally
        {
            commands.TryComplete();
            inputClosed.Cancel();
        }
    }

    /// <summary>This process's share of a round, run exactly as the bench runs client participants in its own process.</summary>
    private static async Task<WorkerRoundResult> RunRoundAsync(IClusterClient client, WorkerRound round)
    {
        if (round.Kind == ScenarioKind.Floor)
        {
            // Its local rendezvous exists in the bench's process only.
            return new WorkerRoundResult(round.Round, null, null, null, "The floor does not run in a client process.");
        }

        var arrived = new long[round.Participants * round.Phases];
        var released = new long[arrived.Length];
        var indices = new int[arrived.Length];

        // As the bench does before every measured scenario: the round does not pay for the garbage of the one before.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        try
        {
            await PhaseRoundRunner.RunClientTasksAsync([client], round.ToPhaseRun(), round.Participants, arrived, released, indices);
            return new WorkerRoundResult(round.Round, arrived, released, indices, null);
        }
        catch (Exception exception)
        {
            return new WorkerRoundResult(round.Round, null, null, null, exception.ToString());
        }
    }

    private static async Task WriteLineAsync(StreamWriter output, string line)
    {
        await output.WriteLineAsync(line);
        await output.FlushAsync();
    }
}

using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Orleans.Barrier.Bench.Processes;

/// <summary>
/// One client process as the bench sees it: this program again, in its hidden worker mode (<see cref="ClientWorker"/>),
/// taking one JSON line per round on its stdin and answering with one on its stdout. Its stderr (its Orleans
/// client's log lines) is passed on to this process's stderr, and its last lines are kept to quote if it fails.
/// </summary>
internal sealed class ClientProcess : IDisposable
{
    private const int StderrTailLines = 20;
    private const int QuotedChars = 300;
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stderrTail = new();

    private ClientProcess(int number, Process process)
    {
        Number = number;
        _process = process;
    }

    /// <summary>1 to K, as progress and failures name it.</summary>
    public int Number { get; }

    /// <summary>Whether its ready line has come: its client is connected.</summary>
    public bool IsReady { get; private set; }

    /// <summary>Starts client process <paramref name="number"/>, whose client connects to <paramref name="gateways"/>; see <see cref="WaitUntilReadyAsync"/>.</summary>
    public static ClientProcess Start(int number, IReadOnlyList<IPEndPoint> gateways, bool verbose)
    {
        var start = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,

            // No byte order mark: it would open the first command line and make it no JSON.
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };

        var processPath = Environment.ProcessPath ?? throw new BenchFailureException("Cannot tell which executable runs this bench, so cannot start its client processes.");
        start.FileName = processPath;

        // Under `dotnet <dll>` this process is the dotnet host, which needs the bench's assembly named; under
        // `dotnet run` it is the bench's own apphost, which knows it.
        if (Path.GetFileNameWithoutExtension(processPath).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, typeof(ClientProcess).Assembly.GetName().Name + ".dll"));
        }

        start.ArgumentList.Add(BenchCommandLine.WorkerCommandName);
        start.ArgumentList.Add(BenchCommandLine.GatewaysOptionName);
        start.ArgumentList.Add(string.Join(',', gateways.Select(g => g.ToString())));
        if (verbose)
        {
            start.ArgumentList.Add(BenchCommandLine.VerboseOptionName);
        }

        var process = new Process { StartInfo = start };
        var client = new ClientProcess(number, process);
        process.ErrorDataReceived += (_, line) => client.OnStderr(line.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception exception)
        {
            process.Dispose();
            throw new BenchFailureException($"Could not start client process {number} ({processPath}): {exception.Message}", exception);
        }

        process.BeginErrorReadLine();
        return client;
    }

    /// <summary>Waits for the ready line: its client is connected. Fails if its timestamps would not compare with this process's.</summary>
    public async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync("starting", cancellationToken);
        var ready = Parse(line, WorkerJsonContext.Default.WorkerReady);
        if (ready.StopwatchFrequency != Stopwatch.Frequency)
        {
            throw new BenchFailureException(
                $"Client process {Number} (pid {ready.ProcessId}): its Stopwatch ticks {ready.StopwatchFrequency} times a second, this process's "
                + $"{Stopwatch.Frequency}: their timestamps do not compare, so its participants cannot be timed against the others'.");
        }

        IsReady = true;
    }

    /// <summary>Hands the process its share of a round; it starts at once.</summary>
    public async Task SendAsync(WorkerRound round, CancellationToken cancellationToken)
    {
        var line = JsonSerializer.Serialize(round, WorkerJsonContext.Default.WorkerRound);
        try
        {
            await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken);
            await _process.StandardInput.FlushAsync(cancellationToken);
        }
        catch (IOException exception)
        {
            throw await FailureAsync($"could not be sent round {round.Round} ({exception.Message})", waitForExit: true);
        }
    }

    /// <summary>Waits for the answer to <paramref name="round"/> and checks it holds every phase of every participant it was given.</summary>
    public async Task<WorkerRoundResult> ReceiveAsync(WorkerRound round, CancellationToken cancellationToken)
    {
        var line = await ReadLineAsync($"running round {round.Round}", cancellationToken);
        var result = Parse(line, WorkerJsonContext.Default.WorkerRoundResult);
        if (result.Error is { } error)
        {
            throw await FailureAsync($"failed its round ({round.Kind} {round.Key}, {round.Participants} of {round.Parties} participants): {error}", waitForExit: false);
        }

        var expected = round.Participants * round.Phases;
        if (result.Round != round.Round || result.Arrived?.Length != expected || result.Released?.Length != expected || result.Indices?.Length != expected)
        {
            throw await FailureAsync(
                $"answered round {round.Round} ({expected} timestamps expected) with round {result.Round}, {result.Arrived?.Length ?? 0} arrivals, "
                + $"{result.Released?.Length ?? 0} releases, {result.Indices?.Length ?? 0} indices",
                waitForExit: false);
        }

        return result;
    }

    /// <summary>Closes its stdin, on which it leaves by itself.</summary>
    public void CloseInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception exception) when (exception is IOException or ObjectDisposedException)
        {
            // Already gone: nothing to tell.
        }
    }

    /// <summary>Waits at most <paramref name="timeout"/> for it to exit.</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var grace = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            // Still running: the caller kills it.
        }
    }

    /// <summary>Kills it, with anything it started, unless it has exited.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception exception) when (exception is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Exited meanwhile, or never started.
        }
    }

    /// <inheritdoc />
    public void Dispose() => _process.Dispose();

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        _stderrTail.Enqueue(line);
        while (_stderrTail.Count > StderrTailLines)
        {
            _stderrTail.TryDequeue(out _);
        }

        Console.Error.WriteLine($"[client process {Number}] {line}");
    }

    private async Task<string> ReadLineAsync(string doing, CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await _process.StandardOutput.ReadLineAsync(cancellationToken);
        }
        catch (IOException exception)
        {
            throw await FailureAsync($"could not be read while {doing} ({exception.Message})", waitForExit: true);
        }

        return line ?? throw await FailureAsync($"closed its stdout while {doing}", waitForExit: true);
    }

    private T Parse<T>(string line, JsonTypeInfo<T> type)
        where T : class
    {
        T? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(line, type);
        }
        catch (JsonException)
        {
            parsed = null;
        }

        return parsed ?? throw Failure($"printed what is no {typeof(T).Name} line: '{Quote(line)}'");
    }

    /// <summary>A failure naming the process, its exit code if it has exited, and its stderr's last lines.</summary>
    /// <param name="what">What went wrong, as the rest of a sentence that starts with the process's name.</param>
    /// <param name="waitForExit">Whether it is leaving (it closed its stdout): then its exit code and last stderr lines are worth a short wait.</param>
    private async Task<BenchFailureException> FailureAsync(string what, bool waitForExit)
    {
        if (waitForExit)
        {
            // Also waits for its stderr to be read to the end, so the tail holds its last words.
            await WaitForExitAsync(ExitGrace);
        }

        return Failure(what);
    }

    /// <summary>A failure naming the process, its exit code if it has exited, and its stderr's last lines.</summary>
    /// <param name="what">What went wrong, as the rest of a sentence that starts with the process's name.</param>
    public BenchFailureException Failure(string what)
    {
        var exited = _process.HasExited ? string.Create(CultureInfo.InvariantCulture, $" (exited with code {_process.ExitCode})") : string.Empty;
        var tail = _stderrTail.ToArray();
        var stderr = tail.Length == 0
            ? "; its stderr is empty"
            : $"; its stderr ends with:{Environment.NewLine}    {string.Join(Environment.NewLine + "    ", tail.Select(Quote))}";
        return new BenchFailureException($"Client process {Number} (pid {_process.Id}){exited} {what}{stderr}");
    }

    private static string Quote(string text) => text.Length <= QuotedChars ? text : string.Concat(text.AsSpan(0, QuotedChars), "...");
}

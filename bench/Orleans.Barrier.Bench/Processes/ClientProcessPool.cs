using System.Net;
using Orleans.Barrier.Bench.Scenarios;

namespace Orleans.Barrier.Bench.Processes;

/// <summary>
/// The K client processes of <c>--processes K</c>, each with its own Orleans client, GC and thread pool, connected to
/// this process's silos. A round's participants are split over them as evenly as possible; each process runs its
/// share free and sends back their timestamps, which compare with this process's because Stopwatch reads the
/// machine's monotonic clock. Disposing closes their stdin, on which they leave, and kills any that has not.
/// </summary>
internal sealed class ClientProcessPool : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(5);

    private readonly List<ClientProcess> _processes = [];
    private int _rounds;

    private ClientProcessPool()
    {
    }

    /// <summary>How many client processes there are.</summary>
    public int Count => _processes.Count;

    /// <summary>Starts <paramref name="count"/> client processes and waits until every one's client is connected to <paramref name="gateways"/>.</summary>
    public static async Task<ClientProcessPool> StartAsync(int count, IReadOnlyList<IPEndPoint> gateways, bool verbose, CancellationToken cancellationToken)
    {
        var pool = new ClientProcessPool();

        // A run that ends without disposing the pool (Ctrl+C past the parser's grace period) still takes them down.
        AppDomain.CurrentDomain.ProcessExit += pool.OnProcessExit;
        try
        {
            for (var number = 1; number <= count; number++)
            {
                pool._processes.Add(ClientProcess.Start(number, gateways, verbose));
            }

            using var timeLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeLimit.CancelAfter(StartTimeout);
            try
            {
                await Task.WhenAll(pool._processes.Select(p => p.WaitUntilReadyAsync(timeLimit.Token)));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw pool._processes.First(p => !p.IsReady).Failure($"was not connected within {StartTimeout.TotalSeconds:F0}s");
            }

            return pool;
        }
        catch
        {
            await pool.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Runs one round of <paramref name="run"/> on the client processes and writes their participants' timestamps
    /// and indices into the round's phase-major arrays (<c>phase * parties + participant</c>), each process's share a
    /// contiguous block of participants.
    /// </summary>
    public async Task RunAsync(PhaseRun run, long[] arrived, long[] released, int[] indices, CancellationToken cancellationToken)
    {
        var number = Interlocked.Increment(ref _rounds);
        var shares = new List<(ClientProcess Process, WorkerRound Round, int First)>();
        var first = 0;
        for (var i = 0; i < _processes.Count; i++)
        {
            var share = (run.Parties / _processes.Count) + (i < run.Parties % _processes.Count ? 1 : 0);
            if (share > 0)
            {
                shares.Add((_processes[i], new WorkerRound(number, run.Kind, run.Topology, run.Key, run.Parties, run.Phases, run.Coalesced, run.Shards, share), first));
                first += share;
            }
        }

        // Every process gets its command before any answer is awaited, so they all start the round together.
        foreach (var (process, round, _) in shares)
        {
            await process.SendAsync(round, cancellationToken);
        }

        var answers = shares.Select(s => s.Process.ReceiveAsync(s.Round, cancellationToken)).ToArray();

        // The first failure fails the round at once: the other processes' participants would wait for the failed
        // one's at the barrier until the round timed out.
        var pending = answers.ToList();
        while (pending.Count > 0)
        {
            var answered = await Task.WhenAny(pending);
            pending.Remove(answered);
            await answered;
        }

        for (var s = 0; s < shares.Count; s++)
        {
            var (_, round, firstParticipant) = shares[s];
            var result = await answers[s];
            for (var phase = 0; phase < run.Phases; phase++)
            {
                var from = phase * round.Participants;
                var to = (phase * run.Parties) + firstParticipant;
                Array.Copy(result.Arrived!, from, arrived, to, round.Participants);
                Array.Copy(result.Released!, from, released, to, round.Participants);
                Array.Copy(result.Indices!, from, indices, to, round.Participants);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var process in _processes)
        {
            process.CloseInput();
        }

        // Leaving by themselves, they close their clients' connections cleanly; whatever is left is killed.
        await Task.WhenAll(_processes.Select(p => p.WaitForExitAsync(ExitGrace)));
        foreach (var process in _processes)
        {
            process.Kill();
            process.Dispose();
        }

        _processes.Clear();
    }

    private void OnProcessExit(object? sender, EventArgs e)
    {
        foreach (var process in _processes.ToArray())
        {
            process.Kill();
        }
    }
}

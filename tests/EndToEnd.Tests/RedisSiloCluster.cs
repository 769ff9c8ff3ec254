using System.Diagnostics;
using System.Globalization;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Silo processes (src/Silo) that meet in a redis-server of their own: membership and barrier state live in Redis.
/// A test class shares one through <see cref="IClassFixture{TFixture}"/>, because starting silos dominates the run
/// time. Tests may kill a silo or stop them all; each first asks <see cref="EnsureSilosAsync"/> for what it needs.
/// </summary>
/// <remarks>
/// Nothing starts before a test asks, so that where redis-server is missing the tests skip rather than the fixture
/// failing them all.
/// </remarks>
public sealed class RedisSiloCluster : IAsyncLifetime
{
    /// <summary>How many silos a test gets unless it asks for fewer.</summary>
    public const int Size = 3;

    /// <summary>
    /// The silos' <c>--probe-timeout</c>. With Orleans' 5 s a killed silo was declared dead about 13 s after the kill
    /// (three missed probes, adaptive intervals); with 2 s, about 2.5 s.
    /// </summary>
    internal static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan StartupBound = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(60);
    private readonly List<SiloProcess> _silos = [];
    private readonly List<SiloProcess> _gone = [];
    private readonly List<string> _notes = [];
    private RedisServer? _redis;

    internal string ClusterId { get; } = $"e2e-redis-{Guid.NewGuid():N}";

    internal RedisServer Redis => _redis ?? throw new InvalidOperationException("Call EnsureRedisAsync or EnsureSilosAsync first.");

    /// <summary>The silos running now, oldest first.</summary>
    internal IReadOnlyList<SiloProcess> Silos => _silos;

    /// <summary>The command-line client's options that find this cluster's gateways in Redis.</summary>
    internal string[] CliArguments => ["--redis", Redis.Address, "--cluster-id", ClusterId];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Returns what happened since the last call (start-up and stop durations), for a test to print: a fixture has no output.</summary>
    internal IReadOnlyList<string> TakeNotes()
    {
        var notes = _notes.ToList();
        _notes.Clear();
        return notes;
    }

    internal async Task EnsureRedisAsync() => _redis ??= await RedisServer.StartAsync();

    /// <summary>
    /// With fewer than <paramref name="atLeast"/> silos running, starts silos (all at once; each finds the others in
    /// Redis) until <see cref="Size"/> run; otherwise starts none.
    /// </summary>
    internal async Task EnsureSilosAsync(int atLeast)
    {
        await EnsureRedisAsync();
        if (_silos.Count >= atLeast)
        {
            return;
        }

        var starting = Stopwatch.StartNew();
        var added = Enumerable.Range(0, Size - _silos.Count)
            .Select(_ => SiloProcess.Start(
                ClusterId,
                extraArguments:
                [
                    "--redis", Redis.Address, "--advertised-address", "127.0.0.1",
                    "--probe-timeout", string.Create(CultureInfo.InvariantCulture, $"{ProbeTimeout.TotalMilliseconds}ms"),
                ]))
            .ToList();
        _silos.AddRange(added);
        await Task.WhenAll(added.Select(silo => silo.WaitUntilReadyAsync(StartupBound)));
        _notes.Add($"{added.Count} silo process(es) ready {starting.Elapsed.TotalSeconds:F1}s after they were started");
    }

    /// <summary>The running silo whose address (as in <see cref="BarrierStatus.HostSilo"/>, <c>S127.0.0.1:port:generation</c>) names its silo port.</summary>
    internal SiloProcess Find(string? siloAddress)
        => _silos.SingleOrDefault(silo => siloAddress?.Contains($":{silo.SiloPort}:", StringComparison.Ordinal) == true)
            ?? throw new InvalidOperationException($"No running silo process has the address '{siloAddress}'.");

    /// <summary>Kills <paramref name="silo"/> with SIGKILL (<c>kill -9</c>): no goodbye, its membership row stays Active until the others vote it dead.</summary>
    internal void Kill(SiloProcess silo)
    {
        silo.Kill();
        _silos.Remove(silo);
        _gone.Add(silo);
    }

    /// <summary>
    /// Takes <paramref name="silo"/> out of the silos tests may use, without stopping it: a paused silo that the
    /// cluster declared dead stops itself once it runs again and learns so (and is killed at the end if it does not).
    /// </summary>
    internal void Forget(SiloProcess silo)
    {
        _silos.Remove(silo);
        _gone.Add(silo);
    }

    /// <summary>Stops every running silo as an operator would (SIGTERM, all at once) and returns their exit codes.</summary>
    internal async Task<int[]> StopAllAsync()
    {
        var stopping = Stopwatch.StartNew();
        var codes = await Task.WhenAll(_silos.Select(silo => silo.StopAsync(StopBound)));
        _notes.Add($"{_silos.Count} silo process(es) stopped {stopping.Elapsed.TotalSeconds:F1}s after SIGTERM");
        _gone.AddRange(_silos);
        _silos.Clear();
        return codes;
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos.Concat(_gone))
        {
            await silo.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

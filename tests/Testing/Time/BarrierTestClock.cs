using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Barrier.Testing;

/// <summary>
/// A barrier clock (<see cref="BarrierClock"/>) that a test moves by hand, installed in every silo and client of one
/// test cluster. Leases, timeouts and held polls then run out when the test says, not while it sleeps. Orleans' own
/// clock (membership, response timeouts) keeps real time, so the cluster stays up while barrier time stands still.
/// </summary>
/// <remarks>
/// Messages still travel in real time. So time moves in steps no longer than <see cref="Step"/>, with a real
/// <see cref="Settle"/> after each: what fell due runs (a held poll is answered, a lease is acted on), and the live
/// participants' re-issued polls land and renew their leases before time moves on, as they would have on real time.
/// </remarks>
[DebuggerDisplay("{UtcNow}")]
public sealed class BarrierTestClock : IDisposable
{
    // The cluster's configuration carries which clock its silos and clients use: configurators are made by type, so
    // this is how they find the instance.
    private const string ConfigurationKey = "Orleans.Barrier.Testing:Clock";

    private static readonly ConcurrentDictionary<string, BarrierTestClock> Clocks = new(StringComparer.Ordinal);
    private static long s_next;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly SemaphoreSlim _moving = new(1, 1);
    private string _id = "";

    private BarrierTestClock()
    {
    }

    /// <summary>The clock the silos and clients read.</summary>
    public TimeProvider TimeProvider => _time;

    /// <summary>The clock's present moment.</summary>
    public DateTimeOffset UtcNow => _time.GetUtcNow();

    /// <summary>The longest single move of the clock: well under any lease a test uses, so live participants renew between moves.</summary>
    public TimeSpan Step { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The real time given after each move for what fell due to run and for the messages it sets off to land.</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// Makes a clock and installs it as the barrier clock of every silo and client <paramref name="builder"/> builds
    /// (clients that share the cluster's configuration too).
    /// </summary>
    /// <param name="builder">The test cluster's builder, before it builds.</param>
    /// <param name="step">The longest single move; <see cref="Step"/>'s default if null.</param>
    public static BarrierTestClock Attach(TestClusterBuilder builder, TimeSpan? step = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var clock = step is { } s ? new BarrierTestClock { Step = s } : new BarrierTestClock();
        var id = Interlocked.Increment(ref s_next).ToString(CultureInfo.InvariantCulture);
        clock._id = id;
        Clocks[id] = clock;
        builder.Properties[ConfigurationKey] = id;
        builder.AddSiloBuilderConfigurator<SiloClock>();
        builder.AddClientBuilderConfigurator<ClientClock>();
        return clock;
    }

    /// <summary>Moves the clock on by <paramref name="by"/>, step by step, letting what falls due on the way run.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        await _moving.WaitAsync();
        try
        {
            for (var left = by; left > TimeSpan.Zero; left -= Step)
            {
                await MoveAsync(left < Step ? left : Step);
            }
        }
        finally
        {
            _moving.Release();
        }
    }

    /// <summary>
    /// Moves the clock on step by step until <paramref name="observed"/> holds, and says how far it moved: how much
    /// barrier time it took. Fails if it still does not hold once the clock has moved <paramref name="limit"/>.
    /// </summary>
    /// <param name="observed">What the test waits to see; asked before the first move and after each.</param>
    /// <param name="limit">How far the clock may move before the test gives up.</param>
    public async Task<TimeSpan> AdvanceUntilAsync(Func<Task<bool>> observed, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(observed);
        await _moving.WaitAsync();
        try
        {
            var moved = TimeSpan.Zero;
            while (!await observed())
            {
                if (moved >= limit)
                {
                    throw new TimeoutException($"Not observed after moving the barrier clock {moved.TotalSeconds:F1}s.");
                }

                await MoveAsync(Step);
                moved += Step;
            }

            return moved;
        }
        finally
        {
            _moving.Release();
        }
    }

    /// <inheritdoc cref="AdvanceUntilAsync(Func{Task{bool}}, TimeSpan)"/>
    public Task<TimeSpan> AdvanceUntilAsync(Func<bool> observed, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(observed);
        return AdvanceUntilAsync(() => Task.FromResult(observed()), limit);
    }

    /// <summary>Forgets the clock: clusters built afterwards from the same builder no longer find it. Dispose it with its cluster.</summary>
    public void Dispose()
    {
        Clocks.TryRemove(_id, out _);
        _moving.Dispose();
    }

    private async Task MoveAsync(TimeSpan by)
    {
        // FakeTimeProvider fires the timers that fall due inside Advance; their work then runs on the grains' schedulers.
        _time.Advance(by);
        await Task.Delay(Settle);
    }

    private static TimeProvider Find(IConfiguration configuration)
        => configuration[ConfigurationKey] is { } id && Clocks.TryGetValue(id, out var clock)
            ? clock.TimeProvider
            : throw new InvalidOperationException("The test cluster's configuration names no barrier test clock.");

    /// <summary>Installs the cluster's clock in a silo.</summary>
    private sealed class SiloClock : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
            => siloBuilder.Services.AddKeyedSingleton(BarrierClock.ServiceKey, Find(siloBuilder.Configuration));
    }

    /// <summary>Installs the cluster's clock in a client.</summary>
    private sealed class ClientClock : IClientBuilderConfigurator
    {
        public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
            => clientBuilder.Services.AddKeyedSingleton(BarrierClock.ServiceKey, Find(configuration));
    }
}

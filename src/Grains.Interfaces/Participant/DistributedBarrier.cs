using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Orleans.Barrier;

/// <summary>
/// The participant side of a barrier. A wait is a loop of bounded long-polls that all carry one
/// <see cref="ArrivalId"/>: each poll returns before the caller's response timeout, so a wait may last for hours,
/// and because arrivals are idempotent a re-issued poll never counts twice.
/// </summary>
[DebuggerDisplay("{Name,nq} ({Parties} parties)")]
internal sealed class DistributedBarrier : IDistributedBarrier
{
    // Polls shorter than this would spend more on messaging than on waiting.
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(250);

    // How long re-issued polls keep failing (silo down, activation moving) before the wait gives up. The cluster
    // needs a few probe rounds to declare a silo dead and place the barrier elsewhere.
    private static readonly TimeSpan DefaultReattachWindow = TimeSpan.FromSeconds(30);

    private readonly IBarrierGrain _grain;
    private readonly BarrierOptions _options;
    private readonly TimeSpan? _callerResponseTimeout;

    public DistributedBarrier(IGrainFactory factory, string name, BarrierOptions options)
    {
        Name = name;
        _options = options;
        _grain = factory.GetGrain<IBarrierGrain>(name);
        _callerResponseTimeout = FindResponseTimeout(factory);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public int Parties => _options.Parties;

    /// <inheritdoc />
    public Task<int> WaitAsync(CancellationToken cancellationToken = default)
        => WaitCoreAsync(_options.DefaultTimeout, cancellationToken);

    /// <inheritdoc />
    public Task<int> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        BarrierArguments.ThrowIfInvalidTimeout(timeout, nameof(timeout));
        return WaitCoreAsync(timeout, cancellationToken);
    }

    /// <inheritdoc />
    public async Task ResetAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _grain.ResetAsync(Parties).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _grain.AbortAsync(Parties).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<BarrierStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var status = await _grain.GetStatusAsync(Parties).WaitAsync(cancellationToken).ConfigureAwait(false);

        // With a party count the grain creates the barrier, so it always has a status to give.
        return status ?? throw new InvalidOperationException($"Barrier '{Name}' returned no status.");
    }

    private async Task<int> WaitCoreAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            timeout = null;
        }

        var arrival = ArrivalId.New();
        var started = Stopwatch.GetTimestamp();
        var maxPoll = _callerResponseTimeout is { } responseTimeout ? Max(responseTimeout / 2, MinPoll) : (TimeSpan?)null;
        var reattachWindow = _callerResponseTimeout is { } rt ? Max(rt * 2, DefaultReattachWindow) : DefaultReattachWindow;
        Guid? incarnation = null;
        long? failingSince = null;

        while (true)
        {
            // A re-attached arrival (new incarnation) should not get its full timeout again.
            var remaining = timeout is { } t ? Max(t - Stopwatch.GetElapsedTime(started), TimeSpan.Zero) : (TimeSpan?)null;
            var request = new ArrivalRequest(arrival, Parties, remaining, maxPoll, incarnation);

            ArrivalOutcome outcome;
            try
            {
                outcome = await _grain.WaitAsync(request).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return await CancelArrivalAsync(arrival, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException) when (WithinWindow(ref failingSince, reattachWindow))
            {
                // The grain held the poll longer than our response timeout allows (its silo guessed a longer
                // timeout than ours): ask for shorter polls from now on.
                maxPoll = Max((maxPoll ?? TimeSpan.FromSeconds(10)) / 2, MinPoll);
                continue;
            }
            catch (Exception exception) when (IsTransient(exception) && WithinWindow(ref failingSince, reattachWindow))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
                continue;
            }

            failingSince = null;
            switch (outcome.Kind)
            {
                case ArrivalOutcomeKind.Pending:
                    incarnation = outcome.Incarnation;
                    continue;
                case ArrivalOutcomeKind.Released:
                    return outcome.Index;
                case ArrivalOutcomeKind.Broken:
                    throw BrokenBarrierException.For(Name, outcome.Reason ?? BrokenBarrierReason.Aborted);
                case ArrivalOutcomeKind.Cancelled:
                    throw new OperationCanceledException($"The wait on barrier '{Name}' was cancelled.");
                default:
                    throw new InvalidOperationException(
                        $"Barrier '{Name}' no longer knows arrival {arrival}: its outcome expired before this participant asked again.");
            }
        }
    }

    private async Task<int> CancelArrivalAsync(ArrivalId arrival, CancellationToken cancellationToken)
    {
        // The grain's turn decides whether the release or the cancellation came first; whatever it says is final.
        ArrivalOutcome outcome;
        try
        {
            outcome = await _grain.CancelAsync(arrival, Parties).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsTransient(exception))
        {
            // The barrier's silo is gone, and the arrival with it: nothing is left to count it.
            throw new OperationCanceledException($"The wait on barrier '{Name}' was cancelled.", exception, cancellationToken);
        }

        return outcome.Kind switch
        {
            ArrivalOutcomeKind.Released => outcome.Index,
            ArrivalOutcomeKind.Broken => throw BrokenBarrierException.For(Name, outcome.Reason ?? BrokenBarrierReason.Aborted),
            _ => throw new OperationCanceledException($"The wait on barrier '{Name}' was cancelled.", cancellationToken),
        };
    }

    private static bool WithinWindow(ref long? failingSince, TimeSpan window)
    {
        failingSince ??= Stopwatch.GetTimestamp();
        return Stopwatch.GetElapsedTime(failingSince.Value) < window;
    }

    private static bool IsTransient(Exception exception) => exception is SiloUnavailableException
        or OrleansMessageRejectionException
        or GatewayTooBusyException
        or TimeoutException;

    private static TimeSpan? FindResponseTimeout(IGrainFactory factory)
        => factory is IClusterClient client
            ? client.ServiceProvider.GetService<IOptions<ClientMessagingOptions>>()?.Value.ResponseTimeout
            : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Orleans.Barrier;

/// <summary>
/// The participant side of a barrier. A wait is a loop of bounded long-polls that all carry one
/// <see cref="ArrivalId"/>: each poll returns before the caller's response timeout, so a wait may last for hours,
/// and because arrivals are idempotent a re-issued poll never counts twice.
/// </summary>
/// <remarks>
/// No <c>ConfigureAwait(false)</c>: in a grain participant, a continuation off the activation's scheduler would send
/// every later poll as the silo's hosted client (<c>sys.client/hosted-...</c>), not as the grain, so a barrier that
/// re-attaches the arrival (after its silo died) would name the participant by that client. Clients have no
/// scheduler to return to, so this costs them nothing.
/// </remarks>
[DebuggerDisplay("{Name,nq} ({Parties} parties)")]
internal sealed class DistributedBarrier : IDistributedBarrier
{
    // Polls shorter than this would spend more on messaging than on waiting.
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(250);

    // How long re-issued polls may keep failing (silo down, activation moving) before the wait gives up, when the
    // caller's response timeout is unknown. Otherwise the window is twice that timeout: long enough for the
    // cluster to declare a dead silo and re-home the barrier, short enough that nobody waits on a ghost.
    private static readonly TimeSpan DefaultReattachWindow = TimeSpan.FromMinutes(1);

    // Between re-issues after a failure, so a dead gateway is not hammered.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

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
        await _grain.ResetAsync(Parties).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await _grain.AbortAsync(Parties).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BarrierStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var status = await _grain.GetStatusAsync(Parties).WaitAsync(cancellationToken);

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
        var reattachWindow = _callerResponseTimeout is { } rt ? rt * 2 : DefaultReattachWindow;
        Guid? incarnation = null;

        // Counted from the barrier's last answer, not from the first failure: a poll to a silo that just died
        // can itself hang for a whole response timeout before it fails.
        var lastHeard = Stopwatch.GetTimestamp();

        while (true)
        {
            // A re-attached arrival (new incarnation) should not get its full timeout again.
            var remaining = timeout is { } t ? Max(t - Stopwatch.GetElapsedTime(started), TimeSpan.Zero) : (TimeSpan?)null;
            var request = new ArrivalRequest(arrival, Parties, remaining, maxPoll, incarnation)
            {
                Participant = _options.Participant,
                Lease = _options.LeaseDuration,
                OnParticipantLost = _options.OnParticipantLost,
            };

            ArrivalOutcome outcome;
            var pollStarted = Stopwatch.GetTimestamp();
            try
            {
                // The grain holds a poll at most maxPoll, so one unanswered well past that went to a silo that died:
                // re-issue it then rather than at the response timeout (twice as long), which a client never cuts
                // short when a silo dies.
                var poll = _grain.WaitAsync(request);
                outcome = maxPoll is { } held
                    ? await poll.WaitAsync(held + PollGrace(held), cancellationToken)
                    : await poll.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return await CancelArrivalAsync(arrival, cancellationToken);
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                var silentFor = Stopwatch.GetElapsedTime(lastHeard);
                if (silentFor >= reattachWindow)
                {
                    throw new BarrierUnavailableException(
                        $"Barrier '{Name}' has not answered for {silentFor.TotalSeconds:F1}s: the silo hosting it failed and no other silo took it over. Last error: {exception.Message}",
                        exception);
                }

                if (exception is TimeoutException && maxPoll is { } held && Stopwatch.GetElapsedTime(pollStarted) >= held + PollGrace(held))
                {
                    // Our own bound ran out: the silo holding the poll is gone or stalled. Re-issue at once; the poll
                    // length was fine.
                }
                else if (exception is TimeoutException)
                {
                    // Either the barrier's silo died mid-poll, or it held the poll longer than our response
                    // timeout allows (it guessed a longer one than ours): ask for shorter polls from now on.
                    maxPoll = Max((maxPoll ?? TimeSpan.FromSeconds(10)) / 2, MinPoll);
                }
                else
                {
                    // No token: a cancellation here is seen by the next poll, which then removes the arrival properly.
                    await Task.Delay(RetryDelay, CancellationToken.None);
                }

                continue;
            }

            lastHeard = Stopwatch.GetTimestamp();
            if (outcome.Kind != ArrivalOutcomeKind.Pending)
            {
                return IndexOrThrow(outcome, arrival, cancellationToken);
            }

            incarnation = outcome.Incarnation;
        }
    }

    private async Task<int> CancelArrivalAsync(ArrivalId arrival, CancellationToken cancellationToken)
    {
        // The grain's turn decides whether the release or the cancellation came first; whatever it says is final.
        // A cancellation that fails in transit is retried like a poll: the arrival may have re-attached to a new
        // activation, and leaving it there would count a participant that has gone.
        var lastHeard = Stopwatch.GetTimestamp();
        var window = _callerResponseTimeout is { } rt ? rt * 2 : DefaultReattachWindow;
        while (true)
        {
            try
            {
                var outcome = await _grain.CancelAsync(arrival, Parties);
                return IndexOrThrow(outcome, arrival, cancellationToken);
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                if (Stopwatch.GetElapsedTime(lastHeard) >= window)
                {
                    // No silo holds the barrier any more, and the arrival went with it: nothing is left to count it.
                    throw new OperationCanceledException($"The wait on barrier '{Name}' was cancelled.", exception, cancellationToken);
                }

                await Task.Delay(RetryDelay, CancellationToken.None);
            }
        }
    }

    /// <summary>Turns a final outcome, from a poll or a cancellation, into the index or the exception the caller sees.</summary>
    private int IndexOrThrow(ArrivalOutcome outcome, ArrivalId arrival, CancellationToken cancellationToken) => outcome.Kind switch
    {
        ArrivalOutcomeKind.Released => outcome.Index,
        ArrivalOutcomeKind.Broken => throw BrokenBarrierException.For(Name, outcome.Reason ?? BrokenBarrierReason.Aborted, outcome.LostParticipants),
        ArrivalOutcomeKind.Cancelled => throw new OperationCanceledException($"The wait on barrier '{Name}' was cancelled.", cancellationToken),
        ArrivalOutcomeKind.Evicted => throw new BarrierUnavailableException(
            $"Barrier '{Name}' evicted arrival {arrival}: it went longer than its lease without polling, so the barrier counted its participant as lost. It was not counted in any release; wait again to take part."),
        _ => throw new InvalidOperationException(
            $"Barrier '{Name}' no longer knows arrival {arrival}: its outcome expired before this participant asked again."),
    };

    // BarrierUnavailableException from the grain means an activation stepped aside after a failed storage write.
    private static bool IsTransient(Exception exception) => exception is SiloUnavailableException
        or BarrierUnavailableException
        or OrleansMessageRejectionException
        or GatewayTooBusyException
        or ConnectionFailedException
        or TimeoutException;

    private static TimeSpan? FindResponseTimeout(IGrainFactory factory)
        => factory is IClusterClient client
            ? client.ServiceProvider.GetService<IOptions<ClientMessagingOptions>>()?.Value.ResponseTimeout
            : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>How much longer than the grain's longest hold a poll may take before the handle gives up on it: transit and a busy silo.</summary>
    private static TimeSpan PollGrace(TimeSpan held) => Max(held / 4, TimeSpan.FromSeconds(1));
}

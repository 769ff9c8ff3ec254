using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace Orleans.Barrier;

/// <summary>
/// The poll loop one arrival runs until it has a final outcome, shared by a handle's own arrivals and by the
/// coalesced arrivals a process sends for several of its participants. Every re-issue carries the same
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
internal sealed class ArrivalPoller
{
    // Polls shorter than this would spend more on messaging than on waiting.
    private static readonly TimeSpan MinPoll = TimeSpan.FromMilliseconds(250);

    // How long re-issued polls may keep failing (silo down, activation moving) before the wait gives up, when the
    // caller's response timeout is unknown. Otherwise the window is twice that timeout: long enough for the
    // cluster to declare a dead silo and re-home the barrier, short enough that nobody waits on a ghost.
    private static readonly TimeSpan DefaultReattachWindow = TimeSpan.FromMinutes(1);

    // Between re-issues after a failure, so a dead gateway is not hammered. Real time: it paces messages.
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    // A client's first poll of an arrival is held at most this long, so that a wait that outlasts it learns which silo
    // holds its polls (every later poll is watched, see HostWatch) after one extra message, and a wait shorter than it
    // costs nothing extra.
    private static readonly TimeSpan FirstPollHold = TimeSpan.FromSeconds(2);

    private readonly IBarrierGrain _grain;
    private readonly IBarrierShardGrain? _shard;
    private readonly TimeSpan? _callerResponseTimeout;
    private readonly HostWatch? _hostWatch;

    // The barrier's clock (BarrierClock) for timeouts and re-attach windows: the client's, or the calling grain's silo's.
    private readonly TimeProvider _time;

    /// <param name="factory">The client's or silo's grain factory.</param>
    /// <param name="name">The barrier's name.</param>
    /// <param name="parties">Its party count.</param>
    /// <param name="shard">The shard grain's key when arrivals go to a shard of a tiered barrier; null to go to the barrier grain itself.</param>
    public ArrivalPoller(IGrainFactory factory, string name, int parties, string? shard = null)
    {
        Name = name;
        Parties = parties;
        _grain = factory.GetGrain<IBarrierGrain>(name);
        _shard = shard is null ? null : factory.GetGrain<IBarrierShardGrain>(shard);
        _callerResponseTimeout = FindResponseTimeout(factory);
        _hostWatch = HostWatch.For(factory);
        _time = BarrierClock.From(factory is IClusterClient client ? client.ServiceProvider : CallingGrain.Services);
    }

    public string Name { get; }

    public int Parties { get; }

    /// <summary>The clock this poll loop measures timeouts on, which the coalescers sharing it measure their members' on too.</summary>
    public TimeProvider Time => _time;

    /// <summary>The barrier grain itself, for the calls that are not arrivals.</summary>
    public IBarrierGrain Grain => _grain;

    /// <summary>
    /// Polls until the arrival has a final outcome. If <paramref name="cancellationToken"/> fires first, withdraws
    /// the arrival and returns what the barrier decided (cancelled, or the release or break that came first).
    /// </summary>
    /// <param name="first">The arrival as first sent; its timeout counts from now, and re-issues send what is left of it.</param>
    /// <param name="cancellationToken">Withdraws the arrival.</param>
    /// <param name="reissue">For a coalesced arrival, brings each re-issue up to date (the members it stands for now; it only shrinks).</param>
    /// <exception cref="BarrierUnavailableException">The barrier did not answer for the whole re-attach window.</exception>
    /// <exception cref="OperationCanceledException">Cancelled, and no silo answered the withdrawal for the whole window.</exception>
    public Task<ArrivalOutcome> PollAsync(ArrivalRequest first, CancellationToken cancellationToken, Func<ArrivalRequest, ArrivalRequest>? reissue = null)
        => PollAsync(first, reissue, static (_, outcome, _, _) => outcome, cancellationToken);

    /// <summary>A participant's own wait: polls until the arrival has a final outcome and turns it into its index (or the exception it sees).</summary>
    /// <param name="first">The arrival as first sent.</param>
    /// <param name="cancellationToken">Withdraws the arrival.</param>
    public Task<int> WaitAsync(ArrivalRequest first, CancellationToken cancellationToken)
        => PollAsync(first, null, static (poller, outcome, arrival, token) => poller.IndexOrThrow(outcome, arrival, 0, token), cancellationToken);

    // One async frame whatever the caller makes of the outcome: a participant's own wait is one frame, not two.
    private async Task<T> PollAsync<T>(
        ArrivalRequest first,
        Func<ArrivalRequest, ArrivalRequest>? reissue,
        Func<ArrivalPoller, ArrivalOutcome, ArrivalId, CancellationToken, T> finish,
        CancellationToken cancellationToken)
    {
        var timeout = first.Timeout;
        var started = _time.GetTimestamp();
        var maxPoll = _callerResponseTimeout is { } responseTimeout ? Max(responseTimeout / 2, MinPoll) : (TimeSpan?)null;
        var reattachWindow = _callerResponseTimeout is { } rt ? rt * 2 : DefaultReattachWindow;
        long? incarnation = null;

        // The party count travels until an activation has taken the arrival (and checked it); re-issues to that
        // activation leave it out, and one that reaches another activation is answered Unmet and goes again with it.
        var parties = first.Parties;

        // Counted from the barrier's last answer, not from the first failure: a poll to a silo that just died
        // can itself hang for a whole response timeout before it fails.
        var lastHeard = _time.GetTimestamp();
        var reissued = false;
        SiloAddress? host = null;

        while (true)
        {
            // A re-attached arrival (new incarnation) should not get its full timeout again.
            var remaining = timeout is { } t ? Max(t - _time.GetElapsedTime(started), TimeSpan.Zero) : (TimeSpan?)null;
            var hold = _hostWatch is not null && host is null && maxPoll is { } longest ? Min(longest, FirstPollHold) : maxPoll;
            var request = first with { Parties = parties, Timeout = remaining, MaxPoll = hold, Incarnation = incarnation, Reissued = reissued };
            reissued = true;
            request = reissue?.Invoke(request) ?? request;

            ArrivalOutcome outcome;

            // Real time, not the barrier's clock: this bound races Orleans' response timeout, which runs on real time.
            var pollStarted = Stopwatch.GetTimestamp();
            using var watching = host is not null && _hostWatch is { } watch ? watch.Watch(host) : default(HostWatch.Registration?);
            try
            {
                // The grain holds a poll at most that long, so one unanswered well past it went to a silo that died:
                // re-issue it then rather than at the response timeout (twice as long), which a client never cuts
                // short when a silo dies. A client learns of the death sooner from its watch.
                var poll = _shard is { } shard ? shard.WaitAsync(request) : _grain.WaitAsync(request);
                var answer = hold is { } held
                    ? poll.WaitAsync(held + PollGrace(held), cancellationToken)
                    : poll.WaitAsync(cancellationToken);
                if (watching is { } registration && await Task.WhenAny(answer, registration.Dead) != answer)
                {
                    // The silo holding the poll was declared dead: it will never answer. Re-issue now; the poll's
                    // re-attaches to the barrier's next activation, on a silo that is alive.
                    Forget(answer);
                    host = null;
                    continue;
                }

                outcome = await answer;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return finish(this, await CancelAsync(first.Id, parties, cancellationToken), first.Id, cancellationToken);
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                var silentFor = _time.GetElapsedTime(lastHeard);
                if (silentFor >= reattachWindow)
                {
                    throw new BarrierUnavailableException(
                        $"Barrier '{Name}' has not answered for {silentFor.TotalSeconds:F1}s: the silo hosting it failed and no other silo took it over. Last error: {exception.Message}",
                        exception);
                }

                if (exception is TimeoutException && hold is { } held && Stopwatch.GetElapsedTime(pollStarted) >= held + PollGrace(held))
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

            lastHeard = _time.GetTimestamp();
            if (outcome.Kind == ArrivalOutcomeKind.Unmet)
            {
                // A new activation, which never checked the count: go again with it, keeping the old incarnation so the
                // arrival re-attaches there rather than passing for one it answered and forgot.
                parties = Parties;
                continue;
            }

            if (outcome.Kind != ArrivalOutcomeKind.Pending)
            {
                return finish(this, outcome, first.Id, cancellationToken);
            }

            incarnation = outcome.Incarnation;
            parties = null;
            host = outcome.Host;
        }
    }

    /// <summary>
    /// Lowers a waiting coalesced arrival to <paramref name="units"/> members, answered at once: pending if it still
    /// waits (with at most that many), or the final outcome that came first. One attempt; a failure is the caller's
    /// to handle (by withdrawing the whole arrival, which retries).
    /// </summary>
    public Task<ArrivalOutcome> WithdrawAsync(ArrivalRequest first, int units, IReadOnlyList<string>? members)
        => _grain.WithdrawAsync(new WithdrawalRequest(first with { Units = units, Members = members, Timeout = null, MaxPoll = null, Incarnation = null }));

    /// <summary>
    /// Reports members of a waiting coalesced arrival as lost (their leases ran out at a shard), answered at once: the
    /// break that names them, or the final outcome that came first. One attempt; a failure is the caller's to handle.
    /// </summary>
    public Task<ArrivalOutcome> LoseAsync(ArrivalId arrival, IReadOnlyList<string> lost)
        => _grain.LoseAsync(new LossRequest(arrival, lost));

    /// <summary>Turns a final outcome into the index a participant gets, or the exception it sees.</summary>
    /// <param name="outcome">The final outcome of the participant's arrival.</param>
    /// <param name="arrival">The arrival, for messages.</param>
    /// <param name="offset">The participant's place within a coalesced arrival (0 for a participant's own arrival).</param>
    /// <param name="cancellationToken">The participant's token, carried by a cancellation.</param>
    public int IndexOrThrow(ArrivalOutcome outcome, ArrivalId arrival, int offset, CancellationToken cancellationToken) => outcome.Kind switch
    {
        ArrivalOutcomeKind.Released => outcome.Index + offset,
        ArrivalOutcomeKind.Broken => throw BrokenBarrierException.For(Name, outcome.Reason ?? BrokenBarrierReason.Aborted, outcome.LostParticipants),
        ArrivalOutcomeKind.Cancelled => throw new OperationCanceledException($"The wait on barrier '{Name}' was cancelled.", cancellationToken),
        ArrivalOutcomeKind.Evicted => throw new BarrierUnavailableException(
            $"Barrier '{Name}' evicted arrival {arrival}: it went longer than its lease without polling, so the barrier counted its participant as lost. It was not counted in any release; wait again to take part."),
        _ => throw new InvalidOperationException(
            $"Barrier '{Name}' no longer knows arrival {arrival}: its outcome expired before this participant asked again."),
    };

    /// <param name="arrival">The arrival to withdraw.</param>
    /// <param name="parties">The party count while no activation has taken the arrival yet (the cancellation may overtake it), else null.</param>
    /// <param name="cancellationToken">The participant's token, carried by the cancellation it ends in.</param>
    private async Task<ArrivalOutcome> CancelAsync(ArrivalId arrival, int? parties, CancellationToken cancellationToken)
    {
        // The grain's turn decides whether the release or the cancellation came first; whatever it says is final.
        // A cancellation that fails in transit is retried like a poll: the arrival may have re-attached to a new
        // activation, and leaving it there would count a participant that has gone.
        var lastHeard = _time.GetTimestamp();
        var window = _callerResponseTimeout is { } rt ? rt * 2 : DefaultReattachWindow;
        while (true)
        {
            try
            {
                return await (_shard is { } shard ? shard.CancelAsync(arrival, parties) : _grain.CancelAsync(arrival, parties));
            }
            catch (Exception exception) when (IsTransient(exception))
            {
                if (_time.GetElapsedTime(lastHeard) >= window)
                {
                    // No silo holds the barrier any more, and the arrival went with it: nothing is left to count it.
                    throw new OperationCanceledException($"The wait on barrier '{Name}' was cancelled.", exception, cancellationToken);
                }

                await Task.Delay(RetryDelay, CancellationToken.None);
            }
        }
    }

    // BarrierUnavailableException from the grain means an activation stepped aside after a failed storage write.
    // OrleansException itself (the base of the others) is what a silo the cluster has declared dead, but that still runs
    // (frozen, then resumed), answers when it tries to activate the barrier again: "Trying to register ... on invalid
    // silo". The barrier's own failures are never Orleans exceptions, so none of them is retried by mistake.
    private static bool IsTransient(Exception exception) => exception is OrleansException
        or BarrierUnavailableException
        or TimeoutException;

    private static TimeSpan? FindResponseTimeout(IGrainFactory factory)
        => factory is IClusterClient client
            ? client.ServiceProvider.GetService<IOptions<ClientMessagingOptions>>()?.Value.ResponseTimeout
            : null;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Lets an abandoned poll end unobserved: its silo is dead, so it can only fail, and nobody waits for it.</summary>
    private static void Forget(Task poll) => poll.ContinueWith(
        static abandoned => _ = abandoned.Exception,
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);

    /// <summary>How much longer than the grain's longest hold a poll may take before the handle gives up on it: transit and a busy silo.</summary>
    private static TimeSpan PollGrace(TimeSpan held) => Max(held / 4, TimeSpan.FromSeconds(1));
}

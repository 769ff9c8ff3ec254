using Orleans.Concurrency;
using Orleans.Placement;

namespace Orleans.Barrier.Testing;

/// <summary>Random placement spreads participants over the silos.</summary>
[RandomPlacement]
[Reentrant]
public sealed class ParticipantGrain : Grain, IParticipantGrain
{
    // A ticket no longer here means this activation never started that wait: it is not the one that took it.
    private readonly Dictionary<Guid, Task<int>> _waits = [];
    private readonly Dictionary<Guid, CancellationTokenSource> _cancellations = [];

    /// <inheritdoc />
    public Task<int> WaitAsync(string barrier, int parties, TimeSpan? timeout)
    {
        var handle = GrainFactory.GetBarrier(barrier, parties);
        return timeout is { } t ? handle.WaitAsync(t) : handle.WaitAsync();
    }

    /// <inheritdoc />
    public Task<int> WaitLongAsync(string barrier, int parties, BarrierTopology topology, int? shards)
        => GetBarrier(barrier, parties, participant: null, lease: null, ParticipantLossPolicy.Break, topology, shards).WaitAsync();

    /// <inheritdoc />
    public Task<int> WaitWithOptionsAsync(string barrier, int parties, string? participant, TimeSpan? lease, ParticipantLossPolicy onParticipantLost, BarrierTopology topology, int? shards)
        => GetBarrier(barrier, parties, participant, lease, onParticipantLost, topology, shards).WaitAsync();

    /// <inheritdoc />
    public Task StartWaitWithOptionsAsync(string barrier, int parties, string? participant, TimeSpan? lease, ParticipantLossPolicy onParticipantLost, BarrierTopology topology, int? shards)
    {
        // Nobody awaits this wait: the tests that start it kill the silo it runs on before it can end.
        _ = GetBarrier(barrier, parties, participant, lease, onParticipantLost, topology, shards).WaitAsync();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StartWaitsWithOptionsAsync(string barrier, int parties, string[] participants, TimeSpan? lease, ParticipantLossPolicy onParticipantLost, BarrierTopology topology, int? shards)
    {
        foreach (var participant in participants)
        {
            // Nobody awaits these either: their silo is about to be killed.
            _ = GetBarrier(barrier, parties, participant, lease, onParticipantLost, topology, shards).WaitAsync();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task BeginWaitAsync(string barrier, int parties, Guid ticket, BarrierTopology topology, int? shards)
    {
        if (!_waits.ContainsKey(ticket))
        {
            _waits.Add(ticket, GetBarrier(barrier, parties, participant: null, lease: null, ParticipantLossPolicy.Break, topology, shards).WaitAsync());
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task BeginCancellableWaitAsync(string barrier, int parties, Guid ticket)
    {
        if (!_waits.ContainsKey(ticket))
        {
            var cancellation = new CancellationTokenSource();
            _cancellations.Add(ticket, cancellation);
            _waits.Add(ticket, GrainFactory.GetBarrier(barrier, parties).WaitAsync(cancellation.Token));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<ParticipantWaitOutcome?> CancelWaitAsync(Guid ticket)
    {
        await _cancellations[ticket].CancelAsync();
        try
        {
            await _waits[ticket];
        }
        catch (OperationCanceledException)
        {
        }

        return await GetWaitOutcomeAsync(ticket);
    }

    /// <inheritdoc />
    public Task<ParticipantWaitOutcome?> GetWaitOutcomeAsync(Guid ticket)
    {
        if (!_waits.TryGetValue(ticket, out var wait))
        {
            return Task.FromResult<ParticipantWaitOutcome?>(new(null, $"No wait with ticket {ticket} on this activation of {this.GetPrimaryKeyString()}."));
        }

        if (!wait.IsCompleted)
        {
            return Task.FromResult<ParticipantWaitOutcome?>(null);
        }

        var exception = wait.Exception?.InnerException;
        return Task.FromResult<ParticipantWaitOutcome?>(wait.IsCompletedSuccessfully
            ? new(wait.Result, null)
            : new(null, exception is null ? "cancelled" : $"{exception.GetType().Name}: {exception.Message}"));
    }

    /// <inheritdoc />
    public Task<string> GetSiloAsync() => Task.FromResult(RuntimeIdentity);

    private IDistributedBarrier GetBarrier(
        string barrier, int parties, string? participant, TimeSpan? lease, ParticipantLossPolicy onParticipantLost, BarrierTopology topology, int? shards)
        => GrainFactory.GetBarrier(barrier, new BarrierOptions
        {
            Parties = parties,
            Participant = participant,
            LeaseDuration = lease,
            OnParticipantLost = onParticipantLost,
            Topology = topology,
            Shards = shards,
        });
}

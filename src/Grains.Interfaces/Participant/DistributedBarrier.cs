using System.Diagnostics;

namespace Orleans.Barrier;

/// <summary>
/// The participant side of a barrier. A wait runs the shared poll loop (<see cref="ArrivalPoller"/>) for its own
/// arrival, or joins its process's coalesced arrival (<see cref="ArrivalCoalescer"/>): a client's, or for a grain
/// participant its silo's. A tiered handle's wait runs the same poll loop aimed at one of the barrier's shards, which
/// hosts the same coalescer for the participants of every process.
/// </summary>
[DebuggerDisplay("{Name,nq} ({Parties} parties)")]
internal sealed class DistributedBarrier : IDistributedBarrier
{
    private readonly IGrainFactory _factory;
    private readonly BarrierOptions _options;

    // Made on first use: a handle whose waits all join a coalescer that already exists never needs them, and
    // thousands of handles on one barrier (one per participant) then cost next to nothing.
    private ArrivalPoller? _poller;
    private ArrivalRequest? _template;

    // For a tiered handle: the shard its waits go to. A handle keeps to one, so a participant's waits come back to the
    // shard that released it, which waits for a release's participants to come back before it sends them on.
    private readonly int _shard = -1;

    public DistributedBarrier(IGrainFactory factory, string name, BarrierOptions options)
    {
        _factory = factory;
        _options = options;
        Name = name;
        if (BarrierShards.IsTiered(options))
        {
            _shard = BarrierShards.Next(options.Shards ?? BarrierShards.DefaultCount(options.Parties));
        }
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
        await Poller.Grain.ResetAsync(Parties).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task AbortAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Poller.Grain.AbortAsync(Parties).WaitAsync(cancellationToken);
    }

    /// <inheritdoc />
    public async Task<BarrierStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var status = await Poller.Grain.GetStatusAsync(Parties).WaitAsync(cancellationToken);

        // With a party count the grain creates the barrier, so it always has a status to give.
        return status ?? throw new InvalidOperationException($"Barrier '{Name}' returned no status.");
    }

    private Task<int> WaitCoreAsync(TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<int>(cancellationToken);
        }

        if (timeout == Timeout.InfiniteTimeSpan)
        {
            timeout = null;
        }

        // A tiered wait goes to a shard, which coalesces it with the waits of other processes.
        if (_shard >= 0)
        {
            return WaitAloneAsync(timeout, cancellationToken);
        }

        // The coalesced wait is the coalescer's own task: no async frame of ours around it, which at thousands of
        // participants per phase is most of what a wait costs the client.
        if (!_options.CoalesceArrivals)
        {
            return WaitAloneAsync(timeout, cancellationToken);
        }

        // A grain of a silo that hosts barriers joins its silo's coalesced arrival under its own name (its grain id,
        // as its own arrival would have been named); a client's tasks join the client's, named by the client. A grain
        // on a silo without AddBarriers() cannot be named from here, so it goes alone.
        if (CallingGrain.Current is { } grain)
        {
            // Members carry their own names, so grains named alike or not share their silo's one coalescer.
            var key = new ArrivalCoalescers.Key(Name, Parties, null, _options.LeaseDuration, _options.OnParticipantLost, grain.Silo, Named: true);
            return ArrivalCoalescers.For(_factory, key, this).ArriveAsync(ParticipantName.Of(_options.Participant, grain.Name), timeout, cancellationToken);
        }

        if (_factory is IClusterClient)
        {
            var key = new ArrivalCoalescers.Key(Name, Parties, _options.Participant, _options.LeaseDuration, _options.OnParticipantLost, null, Named: false);
            return ArrivalCoalescers.For(_factory, key, this).ArriveAsync(null, timeout, cancellationToken);
        }

        return WaitAloneAsync(timeout, cancellationToken);
    }

    /// <summary>Makes the coalescer for <paramref name="key"/>, aimed by this handle's poll loop.</summary>
    internal ArrivalCoalescer CreateCoalescer(in ArrivalCoalescers.Key key, Action onIdle)
        => new(Poller, Template with { Participant = key.Participant, Silo = key.Silo }, key.Named, onIdle);

    private ArrivalPoller Poller => _poller ??= new ArrivalPoller(_factory, Name, _options.Parties, _shard >= 0 ? BarrierShards.KeyOf(_shard, Name) : null);

    private ArrivalRequest Template => _template ??= new ArrivalRequest(default, _options.Parties, null, null, null)
    {
        Participant = _options.Participant,
        Lease = _options.LeaseDuration,
        OnParticipantLost = _options.OnParticipantLost,
    };

    private Task<int> WaitAloneAsync(TimeSpan? timeout, CancellationToken cancellationToken)
        => Poller.WaitAsync(Template with { Id = ArrivalId.New(), Timeout = timeout }, cancellationToken);
}

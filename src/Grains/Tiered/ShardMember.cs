namespace Orleans.Barrier;

/// <summary>One participant waiting at a shard: its terms, its lease here, and the two ways the shard can make it leave.</summary>
internal sealed class ShardMember(ArrivalId id, string name, TimeSpan? lease, ParticipantLossPolicy onLost) : IDisposable
{
    private readonly CancellationTokenSource _withdrawal = new();
    private readonly CancellationTokenSource _losing = new();

    public ArrivalId Id { get; } = id;

    /// <summary>How the barrier names it: its participant name, or its caller's id.</summary>
    public string Name { get; } = name;

    /// <summary>How long it may go without a poll; null for no lease.</summary>
    public TimeSpan? Lease { get; } = lease;

    public ParticipantLossPolicy OnLost { get; } = onLost;

    /// <summary>When its lease runs out unless a poll renews it; null for none, or once acted on.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; set; }

    /// <summary>Its final outcome, once the barrier has decided it.</summary>
    public Task<ArrivalOutcome> Outcome { get; set; } = null!;

    /// <summary>It was withdrawn because its lease ran out (so it is evicted, not cancelled).</summary>
    public bool Evicted { get; private set; }

    /// <summary>Withdraws it from its coalesced arrival: it leaves exactly, unless a release or break came first.</summary>
    public CancellationToken Withdrawal => _withdrawal.Token;

    /// <summary>Reports it lost to the barrier, which breaks naming it unless a release or break came first.</summary>
    public CancellationToken Losing => _losing.Token;

    public void Withdraw() => Signal(_withdrawal);

    public void Evict()
    {
        Evicted = true;
        Withdraw();
    }

    public void Lose() => Signal(_losing);

    public void Dispose()
    {
        _withdrawal.Dispose();
        _losing.Dispose();
    }

    private static void Signal(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Finished meanwhile: its outcome is already decided.
        }
    }
}

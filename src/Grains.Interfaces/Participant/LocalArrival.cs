namespace Orleans.Barrier;

/// <summary>One local participant's wait.</summary>
internal sealed class LocalArrival(ArrivalCoalescer owner, string? member, long? deadline, CancellationToken cancellationToken)
{
    /// <summary>When its timeout runs out (a timestamp of the barrier's clock), or null for no limit.</summary>
    public long? Deadline { get; } = deadline;

    private readonly TaskCompletionSource<int> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenRegistration _registration;

    public Task<int> Task => _completion.Task;

    /// <summary>Its own arrival id, for a shard's members (see <see cref="ArrivalCoalescer.Join(string, TimeSpan?, ArrivalId)"/>); otherwise null.</summary>
    public ArrivalId? Id { get; init; }

    /// <summary>Its own name, for named coalescers (a grain's id); otherwise null.</summary>
    public string? Member { get; } = member;

    /// <summary>The coalesced arrival that carries it, or null while it waits to be sent.</summary>
    public CoalescedArrival? Sent { get; set; }

    /// <summary>Cancelled after it was sent: it leaves unless the barrier released or broke first.</summary>
    public bool Withdrawn { get; set; }

    public void ListenForCancellation()
    {
        if (cancellationToken.CanBeCanceled)
        {
            _registration = cancellationToken.UnsafeRegister(static state => ((LocalArrival)state!).OnCancelled(), this);
        }
    }

    public void Complete(ArrivalOutcome outcome, ArrivalId arrival, int offset)
    {
        try
        {
            Finish(_completion.TrySetResult(owner.Poller.IndexOrThrow(outcome, arrival, offset, cancellationToken)));
        }
        catch (Exception exception)
        {
            Fail(exception);
        }
    }

    public void Cancel() => Finish(_completion.TrySetCanceled(cancellationToken));

    public void Fail(Exception exception)
        => Finish(exception is OperationCanceledException ? _completion.TrySetCanceled(cancellationToken) : _completion.TrySetException(exception));

    /// <summary>Withdraws it exactly, as a cancellation would: it leaves unless a release or break came first.</summary>
    public void Withdraw() => owner.Withdraw(this);

    /// <summary>
    /// Reports it lost (its lease ran out where it waited): if the barrier counts it, the barrier breaks with
    /// <see cref="BrokenBarrierReason.ParticipantLost"/> naming it, unless a release or break came first; if it was not
    /// sent yet it just leaves.
    /// </summary>
    public void Lose() => owner.Lose(this);

    private void OnCancelled() => owner.Withdraw(this);

    private void Finish(bool finished)
    {
        if (finished)
        {
            // Not disposed: disposing from inside the token's own callback would wait for itself.
            _registration.Unregister();
        }
    }
}

namespace Orleans.Barrier.Client.Connection;

/// <summary>
/// Lets the Orleans client retry its first connection a few times, then give up. Without a filter the client fails
/// at the first refusal, which is too eager for a silo that is still starting; with an unbounded one a mistyped
/// gateway would hang the command forever.
/// </summary>
internal sealed class BoundedConnectionRetryFilter(int maxAttempts, TimeSpan delay) : IClientConnectionRetryFilter
{
    private int _attempts;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _attempts) >= maxAttempts)
        {
            return false;
        }

        await Task.Delay(delay, cancellationToken);
        return true;
    }
}

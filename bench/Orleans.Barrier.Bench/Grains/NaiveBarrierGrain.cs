using Orleans.Concurrency;

namespace Orleans.Barrier.Bench.Grains;

/// <inheritdoc cref="INaiveBarrierGrain" />
[Reentrant]
internal sealed class NaiveBarrierGrain : Grain, INaiveBarrierGrain
{
    private TaskCompletionSource<bool> _release = NewPhase();
    private int _waiting;

    public async Task<int> ArriveAsync(int parties)
    {
        var index = _waiting++;
        var release = _release;
        if (_waiting < parties)
        {
            return await release.Task ? index : -1;
        }

        _waiting = 0;
        _release = NewPhase();
        release.SetResult(true);
        return index;
    }

    public Task<int> GetWaitingAsync() => Task.FromResult(_waiting);

    public Task ReleaseAllAsync()
    {
        var release = _release;
        _waiting = 0;
        _release = NewPhase();
        release.SetResult(false);
        return Task.CompletedTask;
    }

    private static TaskCompletionSource<bool> NewPhase() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

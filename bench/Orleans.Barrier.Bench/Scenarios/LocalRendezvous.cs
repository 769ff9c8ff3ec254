using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>
/// An in-process barrier for the floor's participants, whether client tasks or grains (all in this process):
/// the last of a phase's arrivals releases the others. Found by id, because grains cannot be handed an object.
/// </summary>
[DebuggerDisplay("{_arrived}/{_parties}")]
internal sealed class LocalRendezvous
{
    private static readonly ConcurrentDictionary<Guid, LocalRendezvous> ById = new();

    private readonly Lock _lock = new();
    private readonly int _parties;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    private LocalRendezvous(int parties) => _parties = parties;

    /// <summary>Opens a rendezvous of <paramref name="parties"/> for one round; close it with <see cref="Close"/>.</summary>
    public static Guid Open(int parties)
    {
        var id = Guid.NewGuid();
        ById[id] = new LocalRendezvous(parties);
        return id;
    }

    public static LocalRendezvous Find(Guid id)
        => ById.TryGetValue(id, out var rendezvous) ? rendezvous : throw new InvalidOperationException($"No local rendezvous {id} in this process.");

    public static void Close(Guid id) => ById.TryRemove(id, out _);

    public Task<int> ArriveAsync()
    {
        TaskCompletionSource release;
        int index;
        lock (_lock)
        {
            index = _arrived++;
            release = _release;
            if (_arrived < _parties)
            {
                return WaitAsync(release.Task, index);
            }

            _arrived = 0;
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // Outside the lock: continuations are queued, not run here, but nothing needs the lock to queue them.
        release.SetResult();
        return Task.FromResult(index);
    }

    private static async Task<int> WaitAsync(Task release, int index)
    {
        await release;
        return index;
    }
}

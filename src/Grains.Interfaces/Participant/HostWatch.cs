using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Orleans.Barrier;

/// <summary>
/// A client's watch over the silos that hold its polls. An Orleans client never learns that a silo died: a poll that
/// silo held stays unanswered until the client's own bound runs out (most of a response timeout). The cluster's
/// verdict reaches the gateways within moments, so while any poll is held, the watch asks a gateway once a second
/// which of the holding silos are dead (<see cref="ISiloStatusGrain"/>, answered from that silo's membership view) and
/// wakes the polls held by a dead one, which re-issue at once and re-attach to the barrier's next activation.
/// </summary>
/// <remarks>
/// One per client and only while polls are held: an idle client sends nothing. Grain participants need none, since a
/// silo fails its own calls to a silo declared dead.
/// </remarks>
[DebuggerDisplay("{_watched.Count} silo(s) watched")]
internal sealed class HostWatch
{
    // How often the gateway is asked while polls are held: recovery takes at most the cluster's detection time plus this.
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    // A gateway that does not answer this quickly is itself in trouble; the next check goes again.
    private static readonly TimeSpan CheckBound = TimeSpan.FromSeconds(2);

    private static readonly ConditionalWeakTable<IClusterClient, HostWatch> Watches = new();

    // A client sends each grain's calls through the gateway its id hashes to, so checks under a few keys reach a few
    // gateways in turn: a gateway cut off from the others (which cannot know it was declared dead) is not the only one asked.
    private const int CheckKeys = 8;

    private readonly Dictionary<SiloAddress, Watched> _watched = [];
    private readonly IGrainFactory _factory;
    private Task? _checking;
    private int _checks;

    private HostWatch(IGrainFactory factory) => _factory = factory;

    /// <summary>The watch of <paramref name="factory"/>'s client; null inside a silo, where Orleans fails calls to dead silos itself.</summary>
    public static HostWatch? For(IGrainFactory factory)
        => factory is IClusterClient client ? Watches.GetValue(client, static c => new HostWatch(c)) : null;

    /// <summary>
    /// Watches <paramref name="host"/> until the returned registration is disposed; its <see cref="Registration.Dead"/>
    /// completes if the cluster declares the silo dead meanwhile.
    /// </summary>
    public Registration Watch(SiloAddress host)
    {
        lock (_watched)
        {
            if (!_watched.TryGetValue(host, out var watched))
            {
                watched = new Watched();
                _watched.Add(host, watched);
            }

            watched.Count++;
            _checking ??= CheckAsync();
            return new Registration(this, host, watched);
        }
    }

    private void Release(SiloAddress host, Watched watched)
    {
        lock (_watched)
        {
            if (--watched.Count == 0 && _watched.TryGetValue(host, out var current) && ReferenceEquals(current, watched))
            {
                _watched.Remove(host);
            }
        }
    }

    private async Task CheckAsync()
    {
        while (true)
        {
            await Task.Delay(CheckInterval).ConfigureAwait(false);
            SiloAddress[] hosts;
            lock (_watched)
            {
                if (_watched.Count == 0)
                {
                    // Stopped under the lock, so a Watch that comes next starts the loop again.
                    _checking = null;
                    return;
                }

                hosts = [.. _watched.Keys];
            }

            SiloAddress[] dead;
            try
            {
                var status = _factory.GetGrain<ISiloStatusGrain>(_checks++ % CheckKeys);
                dead = await status.FindDeadAsync(hosts).WaitAsync(CheckBound).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // The gateway failed or is slow; the held polls keep their own bound meanwhile.
                continue;
            }

            foreach (var host in dead)
            {
                // Removed, so a later poll that names this silo again (an answer it sent before it died) starts afresh.
                Watched? watched;
                lock (_watched)
                {
                    _watched.Remove(host, out watched);
                }

                watched?.Dead.TrySetResult();
            }
        }
    }

    /// <summary>One watched silo: how many held polls name it, and whether it was declared dead.</summary>
    internal sealed class Watched
    {
        public TaskCompletionSource Dead { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count { get; set; }
    }

    /// <summary>A held poll's interest in its silo; dispose it when the poll is answered or abandoned.</summary>
    public readonly struct Registration : IDisposable
    {
        private readonly HostWatch _watch;
        private readonly SiloAddress _host;
        private readonly Watched _watched;

        internal Registration(HostWatch watch, SiloAddress host, Watched watched)
        {
            _watch = watch;
            _host = host;
            _watched = watched;
        }

        /// <summary>Completes when the cluster has declared the silo dead.</summary>
        public Task Dead => _watched.Dead.Task;

        /// <inheritdoc />
        public void Dispose() => _watch?.Release(_host, _watched);
    }
}

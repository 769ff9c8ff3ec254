using System.Diagnostics;
using System.Globalization;

namespace Orleans.Barrier.Tests;

/// <summary>A fault done to a silo process and later undone: a process pause, or a network partition from the other silos.</summary>
internal abstract class SiloFault
{
    /// <summary>SIGSTOP, then SIGCONT: a long GC pause or a frozen VM.</summary>
    public static SiloFault Pause { get; } = new PauseFault();

    /// <summary>
    /// The silo's silo-to-silo port dropped by iptables in both directions: the other silos cannot reach it, while its
    /// gateway still serves its clients and it still reaches Redis.
    /// </summary>
    public static SiloFault Partition { get; } = new PartitionFault();

    /// <summary>What the fault is called in messages and barrier names.</summary>
    public abstract string Name { get; }

    /// <summary>How long after the cluster declares the silo dead every wait must have completed.</summary>
    public abstract TimeSpan RecoverySlack { get; }

    /// <summary>Skips the test unless this process may add iptables rules (root with NET_ADMIN, iptables installed).</summary>
    public static void SkipUnlessPartitionsCanBeMade()
    {
        var probe = RunIptables("-C", "INPUT", "-p", "tcp", "--dport", "1", "-j", "DROP");
        Skip.If(probe is null, "iptables is not installed (apt-get install -y iptables); the partition test needs it.");
        Skip.If(probe.Value.ExitCode != 0 && probe.Value.Error.Contains("Permission denied", StringComparison.OrdinalIgnoreCase), $"iptables may not be used here: {probe.Value.Error.Trim()}");
        Skip.If(SiloProcess.CgroupRoot is null, "No cgroup2 hierarchy is mounted, so one silo's traffic cannot be told from another's on loopback.");
    }

    /// <summary>Does the fault to <paramref name="silo"/>; <paramref name="others"/> are the cluster's other silos.</summary>
    public abstract Task StartAsync(SiloProcess silo, IReadOnlyList<SiloProcess> others);

    /// <summary>Undoes the fault; does nothing if it is not in place (so a test may call it again on the way out).</summary>
    public abstract Task EndAsync();

    private static (int ExitCode, string Error)? RunIptables(params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("iptables", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private sealed class PauseFault : SiloFault
    {
        private SiloProcess? _paused;

        public override string Name => "pause";

        // The watch's one-second check, a new activation's claim, a re-issued poll from each CLI process, and slack for
        // a loaded two-core machine.
        public override TimeSpan RecoverySlack { get; } = TimeSpan.FromSeconds(8);

        public override async Task StartAsync(SiloProcess silo, IReadOnlyList<SiloProcess> others)
        {
            await silo.PauseAsync();
            _paused = silo;
        }

        public override async Task EndAsync()
        {
            if (_paused is { HasExited: false } silo)
            {
                await silo.ResumeAsync();
            }

            _paused = null;
        }
    }

    private sealed class PartitionFault : SiloFault
    {
        private readonly List<string[]> _rules = [];

        public override string Name => "partition";

        // More than a pause: the cut-off silo still answers the clients whose calls go through its gateway, so they move
        // only once it reads its own death from the table (every two probe timeouts) and stops, and they reconnect.
        public override TimeSpan RecoverySlack { get; } = TimeSpan.FromSeconds(15);

        public override Task StartAsync(SiloProcess silo, IReadOnlyList<SiloProcess> others)
        {
            var cgroup = silo.Cgroup ?? throw new InvalidOperationException($"The silo on port {silo.SiloPort} has no cgroup of its own, so its traffic cannot be told apart.");
            var port = silo.SiloPort.ToString(CultureInfo.InvariantCulture);
            List<string[]> rules =
            [
                // What the others send to its silo port, and what it answers on connections they opened.
                ["INPUT", "-p", "tcp", "--dport", port, "-j", "DROP"],
                ["OUTPUT", "-m", "cgroup", "--path", cgroup, "-p", "tcp", "--sport", port, "-j", "DROP"],

                // What it sends on connections it opened to theirs. Its gateway's clients and Redis stay reachable.
                .. others.Select(other => (string[])["OUTPUT", "-m", "cgroup", "--path", cgroup, "-p", "tcp", "--dport", other.SiloPort.ToString(CultureInfo.InvariantCulture), "-j", "DROP"]),
            ];
            foreach (var rule in rules)
            {
                var added = RunIptables(["-I", .. rule]) ?? throw new InvalidOperationException("iptables is not installed.");
                if (added.ExitCode != 0)
                {
                    throw new InvalidOperationException($"iptables -I {string.Join(' ', rule)} failed: {added.Error}");
                }

                _rules.Add(rule);
            }

            return Task.CompletedTask;
        }

        public override Task EndAsync()
        {
            foreach (var rule in _rules)
            {
                RunIptables(["-D", .. rule]);
            }

            _rules.Clear();
            return Task.CompletedTask;
        }
    }
}

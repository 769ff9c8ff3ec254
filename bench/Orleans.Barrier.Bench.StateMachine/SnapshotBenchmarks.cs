using BenchmarkDotNet.Attributes;

namespace Orleans.Barrier.Bench.StateMachine;

/// <summary>
/// The stored part and the status, after a release of N: taking a snapshot (done on every release, break, abort and
/// reset), restoring a machine from it (a new activation), and a status report with N waiting.
/// </summary>
[MemoryDiagnoser]
public class SnapshotBenchmarks
{
    private BarrierStateMachine _machine = null!;
    private BarrierSnapshot _snapshot = null!;

    /// <summary>Members of the latest release, and arrivals waiting for the next.</summary>
    [Params(16, 1024)]
    public int Parties { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _machine = new BarrierStateMachine("bench", Parties, TimeSpan.FromMinutes(2));
        var released = MachineKit.Ids(Parties);
        var waiting = MachineKit.Ids(Parties - 1);
        var terms = MachineKit.Terms(Parties);
        for (var i = 0; i < Parties; i++)
        {
            _machine.Arrive(released[i], terms[i], MachineKit.Epoch);
        }

        for (var i = 0; i < waiting.Length; i++)
        {
            _machine.Arrive(waiting[i], terms[i], MachineKit.Epoch);
        }

        _snapshot = _machine.Snapshot();
    }

    [Benchmark]
    public long Snapshot() => _machine.Snapshot().Version;

    [Benchmark]
    public int Restore() => BarrierStateMachine.Restore("bench", _snapshot, TimeSpan.FromMinutes(2), MachineKit.Epoch).RememberedResults;

    /// <summary>Status as the grain asks for it (lists capped at 100), with N - 1 waiting and N in the latest release.</summary>
    [Benchmark]
    public int Status() => _machine.GetStatus(100).Waiters.Count;
}

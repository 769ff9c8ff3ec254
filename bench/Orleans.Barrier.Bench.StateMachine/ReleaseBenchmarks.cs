using BenchmarkDotNet.Attributes;

namespace Orleans.Barrier.Bench.StateMachine;

/// <summary>
/// One whole phase: N arrivals, the last of which releases all N. Results are remembered for no time and the clock
/// moves a millisecond per phase, so each phase also forgets the previous phase's N results: the steady-state cost of
/// remembering and forgetting, not of a dictionary that grows over the benchmark (the grain's two-minute retention
/// would hold throughput × 2 min results; the cluster bench's sustained run shows that).
/// </summary>
[MemoryDiagnoser]
public class ReleaseBenchmarks
{
    private BarrierStateMachine _machine = null!;
    private ArrivalId[] _ids = [];
    private ArrivalTerms[] _terms = [];
    private DateTimeOffset _now;

    /// <summary>Arrivals per release.</summary>
    [Params(2, 16, 128, 1024)]
    public int Parties { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _machine = new BarrierStateMachine("bench", Parties, resultRetention: TimeSpan.Zero);
        _ids = MachineKit.Ids(Parties);
        _terms = MachineKit.Terms(Parties);
        _now = MachineKit.Epoch;
    }

    /// <summary>N arrivals and the release they make; returns how many the release completed.</summary>
    [Benchmark]
    public int ArriveToRelease()
    {
        _now += TimeSpan.FromMilliseconds(1);
        var last = 0;
        for (var i = 0; i < _ids.Length; i++)
        {
            last = _machine.Arrive(_ids[i], _terms[i], _now).Completions.Count;
        }

        return last;
    }
}

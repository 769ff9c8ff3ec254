using BenchmarkDotNet.Attributes;

namespace Orleans.Barrier.Bench.StateMachine;

/// <summary>
/// N arrivals that all leave again, in arrival order, on a barrier one party short of releasing. Compare with
/// <see cref="ReleaseBenchmarks"/> at the same N for what the cancellations add. Results are forgotten by the next
/// invocation (no retention, clock moving), as in the release benchmark.
/// </summary>
[MemoryDiagnoser]
public class CancelBenchmarks
{
    private BarrierStateMachine _machine = null!;
    private ArrivalId[] _ids = [];
    private ArrivalTerms[] _terms = [];
    private DateTimeOffset _now;

    /// <summary>Arrivals that arrive and cancel.</summary>
    [Params(16, 1024)]
    public int Arrivals { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _machine = new BarrierStateMachine("bench", Arrivals + 1, resultRetention: TimeSpan.Zero);
        _ids = MachineKit.Ids(Arrivals);
        _terms = MachineKit.Terms(Arrivals);
        _now = MachineKit.Epoch;
    }

    /// <summary>N arrivals, then N cancellations; returns how many cancellations took effect.</summary>
    [Benchmark]
    public int ArriveThenCancelAll()
    {
        _now += TimeSpan.FromMilliseconds(1);
        for (var i = 0; i < _ids.Length; i++)
        {
            _machine.Arrive(_ids[i], _terms[i], _now);
        }

        var cancelled = 0;
        for (var i = 0; i < _ids.Length; i++)
        {
            cancelled += _machine.Cancel(_ids[i], _now).Completions.Count;
        }

        return cancelled;
    }
}

namespace Orleans.Barrier.Bench.Measurement;

/// <summary>One scenario's rounds at one party count, pooled.</summary>
internal sealed class ScenarioFigures(int parties)
{
    private readonly List<double> _latencies = [];
    private double _durationMs;
    private long _phases;
    private long _arrivals;
    private long _allocated;
    private TimeSpan _cpu;
    private long _barrierCalls;

    public int Rounds { get; private set; }

    public int Samples => _latencies.Count;

    public void Add(RoundMeasurement round)
    {
        _latencies.AddRange(round.PhaseLatenciesMs);
        _durationMs += round.DurationMs;
        _phases += round.Phases;
        _arrivals += round.Arrivals;
        _allocated += round.AllocatedBytes;
        _cpu += round.Cpu;
        _barrierCalls += round.BarrierCalls;
        Rounds++;
    }

    /// <summary>Wait calls into the barrier grain per phase: N for one arrival each, a few when coalesced; NaN for the references.</summary>
    public double BarrierCallsPerPhase => _barrierCalls == 0 ? double.NaN : (double)_barrierCalls / _phases;

    public double MedianMs => Percentile.Of(Sorted(), 50);

    public double P99Ms => Percentile.Of(Sorted(), 99);

    /// <summary>Phases per second over the rounds' total time: the inverse of the mean cycle, overlap of free-running phases included.</summary>
    public double PhasesPerSecond => _phases / (_durationMs / 1000);

    public double ArrivalsPerSecond => PhasesPerSecond * parties;

    public double AllocatedBytesPerArrival => (double)_allocated / _arrivals;

    public double CpuMicrosecondsPerArrival => _cpu.TotalMicroseconds / _arrivals;

    private List<double> Sorted()
    {
        _latencies.Sort();
        return _latencies;
    }
}

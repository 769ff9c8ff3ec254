using BenchmarkDotNet.Attributes;

namespace Orleans.Barrier.Bench.StateMachine;

/// <summary>
/// Re-issued polls, per N: each waiting arrival polls again (renewing its lease, which queues a deadline and now and
/// then compacts the schedule), or each member of a finished release asks again (a remembered-result lookup).
/// </summary>
[MemoryDiagnoser]
public class ReissueBenchmarks
{
    private BarrierStateMachine _waiting = null!;
    private BarrierStateMachine _released = null!;
    private ArrivalId[] _ids = [];
    private ArrivalTerms[] _terms = [];
    private DateTimeOffset _now;

    /// <summary>Arrivals re-issuing.</summary>
    [Params(16, 1024)]
    public int Arrivals { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _ids = MachineKit.Ids(Arrivals);
        _terms = MachineKit.Terms(Arrivals);
        _now = MachineKit.Epoch;

        // One party short, so the arrivals keep waiting however often they re-issue.
        _waiting = new BarrierStateMachine("bench-waiting", Arrivals + 1, TimeSpan.FromMinutes(2));
        _released = new BarrierStateMachine("bench-released", Arrivals, TimeSpan.FromMinutes(2));
        for (var i = 0; i < Arrivals; i++)
        {
            _waiting.Arrive(_ids[i], _terms[i], _now);
            _released.Arrive(_ids[i], _terms[i], _now);
        }
    }

    /// <summary>Every waiting arrival re-issues its poll a millisecond later than last time: N lease renewals.</summary>
    [Benchmark]
    public int RenewWaiting()
    {
        // Leases may run out only after a minute of this: far more iterations than any run takes.
        _now += TimeSpan.FromTicks(100);
        var pending = 0;
        for (var i = 0; i < _ids.Length; i++)
        {
            pending += _waiting.Arrive(_ids[i], _terms[i], _now).Result.IsFinal ? 0 : 1;
        }

        return pending;
    }

    /// <summary>Every member of the latest release asks again and gets its remembered index.</summary>
    [Benchmark]
    public int ReissueReleased()
    {
        var sum = 0;
        for (var i = 0; i < _ids.Length; i++)
        {
            sum += _released.Arrive(_ids[i], _terms[i], MachineKit.Epoch).Result.Index;
        }

        return sum;
    }
}

using static Orleans.Barrier.Tests.BarrierTestKit;

namespace Orleans.Barrier.Tests;

/// <summary>Remembered results on their own, as the barrier grain's ledger and the shard keep them: first result stands, bounded in time and number.</summary>
public sealed class RememberedResultsTests
{
    [Fact]
    public void Remember_SameArrivalTwice_KeepsTheFirstResult()
    {
        var remembered = new RememberedResults<int>(TimeSpan.FromMinutes(1), most: 4);
        var arrival = ArrivalId.New();

        remembered.Remember(arrival, 1, T0);
        remembered.Remember(arrival, 2, T0);

        Assert.True(remembered.TryGet(arrival, out var result));
        Assert.Equal(1, result);
        Assert.Equal(1, remembered.Count);
    }

    [Fact]
    public void ForgetExpired_ForgetsOnlyResultsOlderThanTheRetention()
    {
        var remembered = new RememberedResults<int>(TimeSpan.FromSeconds(10), most: 4);
        var old = ArrivalId.New();
        var recent = ArrivalId.New();
        remembered.Remember(old, 1, T0);
        remembered.Remember(recent, 2, T0.AddSeconds(5));

        remembered.ForgetExpired(T0.AddSeconds(11));

        Assert.False(remembered.TryGet(old, out _));
        Assert.True(remembered.TryGet(recent, out _));
    }

    [Fact]
    public void Remember_BeyondTheBound_ForgetsTheOldestFirst()
    {
        var remembered = new RememberedResults<int>(TimeSpan.FromMinutes(1), most: 2);
        var arrivals = new[] { ArrivalId.New(), ArrivalId.New(), ArrivalId.New() };

        foreach (var arrival in arrivals)
        {
            remembered.Remember(arrival, 0, T0);
        }

        Assert.Equal(2, remembered.Count);
        Assert.False(remembered.TryGet(arrivals[0], out _));
        Assert.True(remembered.TryGet(arrivals[2], out _));
    }

    [Fact]
    public void RaiseLimit_KeepsMoreButNeverFewer()
    {
        var remembered = new RememberedResults<int>(TimeSpan.FromMinutes(1), most: 2);
        remembered.RaiseLimit(3);
        remembered.RaiseLimit(1);

        for (var i = 0; i < 5; i++)
        {
            remembered.Remember(ArrivalId.New(), i, T0);
        }

        Assert.Equal(3, remembered.Count);
    }
}

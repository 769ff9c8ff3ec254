namespace Orleans.Barrier.Tests;

/// <summary>The shared two-silo cluster, with barrier state in Redis (<see cref="BarrierStorage.Redis"/>).</summary>
public sealed class RedisClusterFixture : BarrierClusterFixture
{
    public RedisClusterFixture()
        : base(BarrierStorage.Redis)
    {
    }
}

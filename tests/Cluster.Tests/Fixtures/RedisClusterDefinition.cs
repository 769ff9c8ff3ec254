namespace Orleans.Barrier.Tests;

/// <summary>Tests in this collection share one <see cref="RedisClusterFixture"/> and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class RedisClusterDefinition : ICollectionFixture<RedisClusterFixture>
{
    public const string Name = "Barrier cluster on Redis";
}

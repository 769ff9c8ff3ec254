namespace Orleans.Barrier.Tests;

/// <summary>Tests in this collection share one <see cref="BarrierClusterFixture"/> and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class SharedClusterDefinition : ICollectionFixture<BarrierClusterFixture>
{
    public const string Name = "Barrier cluster";
}

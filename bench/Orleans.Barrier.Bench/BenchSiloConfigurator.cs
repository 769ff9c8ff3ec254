using Orleans.Hosting;
using Orleans.TestingHost;

namespace Orleans.Barrier.Bench;

/// <summary>Silos for the bench host barriers with default settings.</summary>
internal sealed class BenchSiloConfigurator : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder) => siloBuilder.AddBarriers();
}

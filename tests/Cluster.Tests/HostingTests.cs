using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Hosting;

namespace Orleans.Barrier.Tests;

/// <summary>What <c>AddBarriers</c> registers, checked on the service collection a silo would be built from.</summary>
public sealed class HostingTests
{
    [Fact]
    public void AddBarriers_CalledTwice_RegistersOnceAndAppliesEveryConfiguration()
    {
        var once = new ServiceCollectionSiloBuilder();
        once.AddBarriers(o => o.ResultRetention = TimeSpan.FromMinutes(5));
        var silo = new ServiceCollectionSiloBuilder();

        silo.AddBarriers(o => o.ResultRetention = TimeSpan.FromMinutes(5));
        silo.AddBarriers(o => o.MaxPollInterval = TimeSpan.FromSeconds(20));

        // The second call adds its configure action and nothing else.
        Assert.Equal(once.Services.Count + 1, silo.Services.Count);
        Assert.Single(silo.Services, s => s.ServiceType == typeof(IValidateOptions<BarrierHostOptions>));
        using var services = silo.Services.BuildServiceProvider();
        var options = services.GetRequiredService<IOptions<BarrierHostOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(5), options.ResultRetention);
        Assert.Equal(TimeSpan.FromSeconds(20), options.MaxPollInterval);
    }

    [Fact]
    public void AddBarriers_NonPositivePollIntervals_FailValidationNamingEachSetting()
    {
        var silo = new ServiceCollectionSiloBuilder();
        silo.AddBarriers(o =>
        {
            o.DefaultPollInterval = TimeSpan.Zero;
            o.MaxPollInterval = TimeSpan.FromSeconds(-1);
            o.ResultRetention = TimeSpan.FromSeconds(-1);
        });
        using var services = silo.Services.BuildServiceProvider();

        var thrown = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<BarrierHostOptions>>().Value);

        Assert.Contains(nameof(BarrierHostOptions.DefaultPollInterval), thrown.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BarrierHostOptions.MaxPollInterval), thrown.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(BarrierHostOptions.ResultRetention), thrown.Message, StringComparison.Ordinal);
    }

    private sealed class ServiceCollectionSiloBuilder : ISiloBuilder
    {
        public IServiceCollection Services { get; } = new ServiceCollection();

        public IConfiguration Configuration { get; } = new ConfigurationBuilder().Build();
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace Orleans.Barrier;

/// <summary>The one door in: switches barrier hosting on for a silo.</summary>
public static class BarrierSiloBuilderExtensions
{
    /// <summary>
    /// The in-memory storage provider barriers fall back to when no provider named
    /// <see cref="BarrierHostOptions.StorageName"/> is registered. A private name, so it never shadows the application's own providers.
    /// </summary>
    internal const string FallbackStorageName = "Orleans.Barrier.InMemory";

    /// <summary>Lets this silo host barrier grains, with default <see cref="BarrierHostOptions"/>. Idempotent.</summary>
    public static ISiloBuilder AddBarriers(this ISiloBuilder builder) => builder.AddBarriers(static _ => { });

    /// <summary>Lets this silo host barrier grains. Idempotent; every call's <paramref name="configure"/> is applied.</summary>
    public static ISiloBuilder AddBarriers(this ISiloBuilder builder, Action<BarrierHostOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.Configure(configure);
        if (services.Any(s => s.ServiceType == typeof(BarrierHostingMarker)))
        {
            return builder;
        }

        services.AddSingleton<BarrierHostingMarker>();
        services.AddOptions<BarrierHostOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BarrierHostOptions>, BarrierHostOptionsValidator>());
        // Keyed and tried: a test (or an application) that registers its own barrier clock, before or after, keeps it.
        services.TryAddKeyedSingleton(BarrierClock.ServiceKey, TimeProvider.System);

        // Grain participants on this silo coalesce their arrivals; each member is named by its grain id (CallingGrain).
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, CallingGrainRegistration>();

        // Registered under a private name and used only if the configured StorageName has no provider, so a bare
        // silo works with no storage configured while a real provider, registered before or after, wins.
        // Orleans' binary serializer rather than the storage default (JSON): the stored type's [Alias]/[Id]s are
        // what keeps it readable, and JSON-serializing the release roster on every release cost more than the rest
        // of the release together.
        builder.AddMemoryGrainStorage(FallbackStorageName, storage => storage.Configure<Serializer>(
            (options, serializer) => options.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer)));

        // Register the grain and wire types explicitly, so hosting works even when the silo's own project
        // does not run the Orleans code generator.
        services.AddSerializer(serializer => serializer
            .AddAssembly(typeof(BarrierGrain).Assembly)
            .AddAssembly(typeof(IBarrierGrain).Assembly));
        return builder;
    }

    /// <summary>Hands the silo's grain context accessor to the participant side as the silo starts.</summary>
    private sealed class CallingGrainRegistration(Orleans.Runtime.IGrainContextAccessor accessor) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) => CallingGrain.Use(accessor);
    }

    /// <summary>Marks a service collection that already has barrier hosting, so a second call adds nothing twice.</summary>
    private sealed class BarrierHostingMarker;
}

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Orleans.Runtime;
using Orleans.Storage;

namespace Orleans.Barrier;

/// <summary>
/// One bucket of the registry of barrier names: a sorted set kept in the barriers' own storage provider, so it
/// outlives its activation and its silo exactly as the barriers do.
/// </summary>
/// <remarks>
/// Reentrant so that names registered while a write is in flight share the next write (one write per burst of new
/// barriers, not per barrier), and so that listings never wait for a write. Safe without locks: the set is only
/// changed between awaits, and each write stores the whole set as it is when the write starts.
/// </remarks>
[Reentrant]
[GrainType("barrier-registry")]
[DebuggerDisplay("{_names.Count} names, stored version {_storedVersion} of {_version}")]
internal sealed partial class BarrierRegistryGrain : Grain, IBarrierRegistryGrain
{
    private const string StateName = "registry";

    // Each conflict means another activation wrote in between; more than a few in a row means something is wrong.
    private const int MaxMergeAttempts = 5;

    private readonly BarrierHostOptions _options;
    private readonly ILogger<BarrierRegistryGrain> _logger;
    private readonly SortedSet<string> _names = new(StringComparer.Ordinal);
    private readonly GrainState<StoredRegistry> _state = new();
    private IGrainStorage _storage = null!;
    private long _bucket;

    // Each added name moves _version on; storage holds every name added up to _storedVersion.
    private long _version;
    private long _storedVersion;
    private Task? _inFlight;

    public BarrierRegistryGrain(IOptions<BarrierHostOptions> options, ILogger<BarrierRegistryGrain> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // The same provider, resolved the same way, as the barrier grains: the registry must live as long as they do.
        _storage = ServiceProvider.GetKeyedService<IGrainStorage>(_options.StorageName)
            ?? ServiceProvider.GetRequiredKeyedService<IGrainStorage>(BarrierSiloBuilderExtensions.FallbackStorageName);
        _bucket = this.GetPrimaryKeyLong();
        await _storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
        if (_state.RecordExists && _state.State?.Names is { } names)
        {
            _names.UnionWith(names);
        }
    }

    public async Task RegisterAsync(string name)
    {
        // A raw caller can send anything; a name in the wrong bucket would never be listed.
        BarrierArguments.ThrowIfInvalidName(name, nameof(name));
        if (BarrierRegistryBuckets.Of(name) is var bucket && bucket != _bucket)
        {
            throw new ArgumentException($"Barrier '{name}' belongs to registry bucket {bucket}, not {_bucket}.", nameof(name));
        }

        if (!_names.Add(name))
        {
            // Known already, but maybe only to a write still in flight: answer once storage holds it too.
            await StoreAsync(_version);
            return;
        }

        LogRegistered(name, _bucket);
        await StoreAsync(++_version);
    }

    public Task<string[]> ListAsync(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return Task.FromResult(_names.ToArray());
        }

        if (_names.Count == 0 || StringComparer.Ordinal.Compare(prefix, _names.Max) > 0)
        {
            return Task.FromResult(Array.Empty<string>());
        }

        // The set is sorted, so the names with the prefix are one run starting at the first name not below it.
        var run = _names.GetViewBetween(prefix, _names.Max!).TakeWhile(n => n.StartsWith(prefix, StringComparison.Ordinal));
        return Task.FromResult(run.ToArray());
    }

    /// <summary>Returns once storage holds every name added up to <paramref name="version"/>.</summary>
    private async Task StoreAsync(long version)
    {
        while (_storedVersion < version)
        {
            var write = _inFlight ??= WriteLatestAsync();
            try
            {
                await write;
            }
            catch (Exception exception)
            {
                // Storage failed, or kept conflicting. The caller's barrier steps aside and its participants retry;
                // a fresh activation re-reads the set from storage.
                LogWriteFailed(exception, _bucket);
                DeactivateOnIdle();
                throw;
            }
            finally
            {
                if (ReferenceEquals(_inFlight, write))
                {
                    _inFlight = null;
                }
            }
        }
    }

    private async Task WriteLatestAsync()
    {
        // Yield first so the registrations already queued behind this one join the same write.
        await Task.Yield();
        for (var attempt = 1; ; attempt++)
        {
            var version = _version;
            _state.State = new StoredRegistry { Names = [.. _names] };
            try
            {
                await _storage.WriteStateAsync(StateName, this.GetGrainId(), _state);
                _storedVersion = version;
                return;
            }
            catch (InconsistentStateException exception) when (attempt < MaxMergeAttempts)
            {
                // Another activation of this bucket wrote since (a silo failure can leave two for a moment). Names
                // are only ever added, so the union of both sets is right: take the stored names in and write again.
                LogMerging(exception, _bucket);
                await _storage.ReadStateAsync(StateName, this.GetGrainId(), _state);
                if (_state.RecordExists && _state.State?.Names is { } stored)
                {
                    _names.UnionWith(stored);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Barrier {Barrier} registered in registry bucket {Bucket}")]
    private partial void LogRegistered(string barrier, long bucket);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Registry bucket {Bucket}: another activation wrote meanwhile; merging its names and writing again")]
    private partial void LogMerging(Exception exception, long bucket);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registry bucket {Bucket}: a storage write failed; this activation deactivates and the next one reads storage again")]
    private partial void LogWriteFailed(Exception exception, long bucket);
}

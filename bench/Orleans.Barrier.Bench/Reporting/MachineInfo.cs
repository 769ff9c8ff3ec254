using System.Diagnostics;
using System.Reflection;
using System.Runtime;
using System.Runtime.InteropServices;

namespace Orleans.Barrier.Bench.Reporting;

/// <summary>Where the figures were measured.</summary>
internal sealed record MachineInfo(
    int Cores,
    string Os,
    string Runtime,
    bool ServerGc,
    bool ConcurrentGc,
    bool DynamicGcAdaptation,
    bool OptimizedBuild,
    string? LoadAverageAtStart,
    DateTimeOffset StartedAt)
{
    /// <summary>The 1-, 5- and 15-minute load averages where the OS tells them (Linux), so a loaded machine shows in the report.</summary>
    public string? LoadAverageAtEnd { get; set; }

    public static MachineInfo Current() => new(
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        GCSettings.IsServerGC,
        GCSettings.LatencyMode != GCLatencyMode.Batch,
        GCSettings.IsServerGC && GcSetting("GCDynamicAdaptationMode") is not (null or "0"),
        IsOptimized(typeof(BarrierHostOptions).Assembly) && IsOptimized(typeof(MachineInfo).Assembly),
        LoadAverage(),
        DateTimeOffset.Now);

    public static string? LoadAverage()
    {
        try
        {
            return File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>What the GC runs with, whatever set it: the project file, runtimeconfig.json or a DOTNET_ variable.</summary>
    private static string? GcSetting(string name) => GC.GetConfigurationVariables().TryGetValue(name, out var value) ? value.ToString() : null;

    private static bool IsOptimized(Assembly assembly) => assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled != true;
}

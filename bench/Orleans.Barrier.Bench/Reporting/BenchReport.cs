using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orleans.Barrier.Bench.Reporting;

/// <summary>Everything one run found, as written to <c>--json</c>. Filled section by section; written even when the run fails.</summary>
internal sealed class BenchReport
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },

        // A run without a floor row has no ratios to the floor: they are NaN, written as "NaN" rather than refused.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required MachineInfo Machine { get; init; }

    public required SetupInfo Setup { get; set; }

    public List<LatencyRow> Latency { get; } = [];

    public List<MemoryRow> Memory { get; } = [];

    public List<SustainedRow> Sustained { get; } = [];

    public List<IdleCpuRow> IdleCpu { get; } = [];

    /// <summary>What the reader must know to read the figures right (what a number includes, what was skipped).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Why the run failed, if it did.</summary>
    public string? Failure { get; set; }

    public double ElapsedSeconds { get; set; }

    public async Task WriteAsync(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, this, JsonOptions);
    }
}

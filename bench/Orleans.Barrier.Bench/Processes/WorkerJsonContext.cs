using System.Text.Json.Serialization;

namespace Orleans.Barrier.Bench.Processes;

/// <summary>The line protocol between the bench and its client processes: one JSON object per line, enums by name.</summary>
[JsonSourceGenerationOptions(UseStringEnumConverter = true)]
[JsonSerializable(typeof(WorkerReady))]
[JsonSerializable(typeof(WorkerRound))]
[JsonSerializable(typeof(WorkerRoundResult))]
internal sealed partial class WorkerJsonContext : JsonSerializerContext
{
}

namespace Orleans.Barrier.Demo;

/// <summary>What one participant saw in one cycle: where it ran, when it arrived and when it was released with which index.</summary>
/// <param name="Silo">The silo endpoint (<c>ip:port</c>) the participant ran on; empty for the client.</param>
/// <param name="ArrivedAt">When it called <c>WaitAsync</c>.</param>
/// <param name="ReleasedAt">When <c>WaitAsync</c> returned.</param>
/// <param name="Index">The index the release gave it.</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.Demo.WorkerReport")]
internal sealed record WorkerReport(
    [property: Id(0)] string Silo,
    [property: Id(1)] DateTimeOffset ArrivedAt,
    [property: Id(2)] DateTimeOffset ReleasedAt,
    [property: Id(3)] int Index);

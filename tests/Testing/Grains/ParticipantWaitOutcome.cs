namespace Orleans.Barrier.Testing;

/// <summary>How a wait started by <see cref="IParticipantGrain.BeginWaitAsync"/> ended.</summary>
/// <param name="Index">The index the barrier gave, or <see langword="null"/> if the wait failed.</param>
/// <param name="Error">The failure's type and message, or <see langword="null"/> if the wait was released.</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.Tests.ParticipantWaitOutcome")]
public sealed record ParticipantWaitOutcome([property: Id(0)] int? Index, [property: Id(1)] string? Error);

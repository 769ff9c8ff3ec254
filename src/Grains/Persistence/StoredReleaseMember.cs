namespace Orleans.Barrier;

/// <summary>One member of a stored release; its index is its position in the list.</summary>
/// <param name="Arrival">The arrival id's value.</param>
/// <param name="Participant">The participant's name.</param>
[GenerateSerializer, Immutable]
[Alias("Orleans.Barrier.Stored.ReleaseMember.v1")]
internal sealed record StoredReleaseMember([property: Id(0)] Guid Arrival, [property: Id(1)] string Participant);

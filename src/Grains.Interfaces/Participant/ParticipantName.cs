namespace Orleans.Barrier;

/// <summary>
/// How a participant is named in status and in <see cref="BrokenBarrierException.LostParticipants"/>: the one rule, used
/// by the handle for a silo's grain members and by the barrier grain and the shards for whoever calls them.
/// </summary>
internal static class ParticipantName
{
    /// <summary>The name of a participant whose caller has no id (a raw call from outside any grain or client).</summary>
    public const string Unknown = "unknown";

    /// <summary>The name it gave (<see cref="BarrierOptions.Participant"/>), else its caller's grain or client id, else <see cref="Unknown"/>.</summary>
    public static string Of(string? given, string? caller) => given ?? caller ?? Unknown;
}

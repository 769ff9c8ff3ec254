namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>One participant of one scenario.</summary>
internal interface IPhaseParticipant
{
    /// <summary>Arrives at the current phase; completes when the participant is released, with its index in <c>[0, parties)</c>.</summary>
    Task<int> ArriveAsync();
}

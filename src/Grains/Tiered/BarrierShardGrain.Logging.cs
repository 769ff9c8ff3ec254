using Microsoft.Extensions.Logging;

namespace Orleans.Barrier;

// The shard's log events, source-generated like the barrier grain's.
internal sealed partial class BarrierShardGrain
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Barrier {Barrier}: participant {Participant} joined a shard")]
    private partial void LogJoined(string barrier, string participant);

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier}: participant {Participant} re-attached to its shard and got index {Index} of phase {Phase}, released by the shard's previous activation")]
    private partial void LogRecalled(string barrier, string participant, int index, long phase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Barrier {Barrier}: participant {Participant} stopped renewing its lease at its shard; policy {Policy}")]
    private partial void LogLeaseLost(string barrier, string participant, ParticipantLossPolicy policy);
}

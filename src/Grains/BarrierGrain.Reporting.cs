using Microsoft.Extensions.Logging;

namespace Orleans.Barrier;

/// <summary>What a barrier grain reports of its steps: log events (the release metrics are in BarrierInstruments).</summary>
internal sealed partial class BarrierGrain
{
    private void LogCompletions(IReadOnlyList<ArrivalCompletion> completions)
    {
        var first = completions[0].Result;
        switch (first.Kind)
        {
            case ArrivalOutcomeKind.Released:
                LogReleased(Name, completions.Count, first.Phase);
                break;
            case ArrivalOutcomeKind.Broken when first.Reason == BrokenBarrierReason.Timeout:
                LogTimedOut(Name, completions.Count);
                break;
            case ArrivalOutcomeKind.Broken when first.Reason == BrokenBarrierReason.ParticipantLost:
                LogParticipantLost(Name, string.Join(", ", first.Lost ?? []), completions.Count);
                break;
            case ArrivalOutcomeKind.Evicted:
                LogEvicted(Name, completions.Count);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier} created with {Parties} parties")]
    private partial void LogCreated(string barrier, int parties);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Barrier {Barrier} restored from storage and claimed as epoch {Epoch}: {Parties} parties, phase {Phase}, broken: {BrokenReason}")]
    private partial void LogRestored(string barrier, int parties, long phase, BrokenBarrierReason? brokenReason, long epoch);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Barrier {Barrier} released {Count} arrivals in phase {Phase}")]
    private partial void LogReleased(string barrier, int count, long phase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier} reset; {Count} waiters failed")]
    private partial void LogReset(string barrier, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier} aborted; {Count} waiters failed")]
    private partial void LogAborted(string barrier, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Barrier {Barrier} broke on a timeout; {Count} waiters failed")]
    private partial void LogTimedOut(string barrier, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Barrier {Barrier} broke: participant(s) {Lost} stopped renewing their lease; {Count} waiters failed")]
    private partial void LogParticipantLost(string barrier, string lost, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Barrier {Barrier} evicted {Count} arrival(s) whose lease ran out")]
    private partial void LogEvicted(string barrier, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Barrier {Barrier}: a storage write failed; this activation steps aside and its waiters re-attach")]
    private partial void LogSteppedAside(Exception exception, string barrier);
}

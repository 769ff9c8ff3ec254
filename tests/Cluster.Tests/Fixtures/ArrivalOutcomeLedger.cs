using System.Collections.Concurrent;
using System.Diagnostics;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Records every final answer a barrier grain gives to a wait or a cancellation, as its caller (a client or a
/// grain participant) receives it: which arrival, which phase, which index, from which activation. The handle hides
/// the phase and the arrival id; this shows them, so a test can check that no arrival is released twice or in a
/// phase other than its own. Registered as an outgoing call filter on the silos and the client of a test cluster;
/// it records only barriers whose names start with a prefix a test asked for, so shared clusters are unaffected.
/// </summary>
internal sealed class ArrivalOutcomeLedger : IOutgoingGrainCallFilter
{
    private static readonly ConcurrentDictionary<string, ConcurrentQueue<RecordedOutcome>> Barriers = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, bool> Prefixes = new(StringComparer.Ordinal);

    /// <summary>Starts recording the answers of barriers whose names start with <paramref name="prefix"/>.</summary>
    public static void Watch(string prefix) => Prefixes[prefix] = true;

    /// <summary>Stops recording for <paramref name="prefix"/> and forgets what was recorded under it.</summary>
    public static void Forget(string prefix)
    {
        Prefixes.TryRemove(prefix, out _);
        foreach (var name in Barriers.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            Barriers.TryRemove(name, out _);
        }
    }

    /// <summary>The final answers recorded for <paramref name="barrier"/>, in the order they were received.</summary>
    public static IReadOnlyList<RecordedOutcome> For(string barrier)
        => Barriers.TryGetValue(barrier, out var outcomes) ? [.. outcomes] : [];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        // Read before the call: a call between grains of one silo may recycle its request object once answered.
        var argument = context.Request.GetArgumentCount() > 0 ? context.Request.GetArgument(0) : null;
        var arrival = argument switch
        {
            ArrivalRequest request => request.Id,
            WithdrawalRequest withdrawal => withdrawal.Staying.Id,
            LossRequest loss => loss.Id,
            RecallRequest recalled => recalled.Member,
            ArrivalId id => id,
            _ => (ArrivalId?)null,
        };
        var recall = argument is RecallRequest;

        await context.Invoke();
        if (arrival is null || context.Result is not ArrivalOutcome { Kind: not ArrivalOutcomeKind.Pending } outcome)
        {
            return;
        }

        var barrier = context.TargetId.Key.ToString()!;
        if (Prefixes.Keys.Any(p => barrier.StartsWith(p, StringComparison.Ordinal)))
        {
            Barriers.GetOrAdd(barrier, _ => new()).Enqueue(new RecordedOutcome(arrival.Value, outcome, Stopwatch.GetTimestamp(), recall));
        }
    }

    /// <summary>One final answer as its caller received it.</summary>
    /// <param name="Arrival">The arrival it answers.</param>
    /// <param name="Outcome">The answer: kind, index, phase and the incarnation that gave it.</param>
    /// <param name="ReceivedAt">When the caller received it (<see cref="Stopwatch.GetTimestamp"/>).</param>
    /// <param name="Recall">
    /// A shard's question about a member of an arrival its dead activation left (<see cref="ArrivalRequest.Recall"/>),
    /// not an arrival: the answer is the member's remembered release or <see cref="ArrivalOutcomeKind.Unknown"/>.
    /// </param>
    internal sealed record RecordedOutcome(ArrivalId Arrival, ArrivalOutcome Outcome, long ReceivedAt, bool Recall);
}

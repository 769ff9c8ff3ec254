using CsCheck;
using Xunit.Abstractions;

namespace Orleans.Barrier.Tests.Model;

/// <summary>
/// Property test: random sequences of arrivals (single, coalesced, and from shards' activations of several epochs),
/// re-issues, withdrawals, cancellations, recalls, reports of lost members, resets, aborts, passing time and crashes
/// give the same answers on the state machine as on <see cref="BarrierModel"/>, and keep the release invariants.
/// A failure prints the shortest failing sequence CsCheck found, the seed to replay it, and what happened step by step.
/// </summary>
public sealed class ModelTests(ITestOutputHelper output)
{
    // Each sequence has up to 60 steps; 4,000 of them take about 5 s on two busy cores (100,000 passed once, in 40 s).
    private const int Sequences = 4_000;

    [Fact]
    public void StateMachine_OnRandomOperationSequences_AnswersAsTheModelDoes()
    {
        var stats = new ModelRunStats();

        ModelScenario.Generator.Sample(
            scenario => new ModelRun(scenario, stats).Run(),
            iter: Sequences,
            print: scenario => scenario.ToString());

        output.WriteLine(stats.ToString());

        // A property that never reaches a rule proves nothing about it: every kind of event must have happened.
        Assert.All(
            new[] { stats.Releases, stats.TimeoutBreaks, stats.LostBreaks, stats.Evictions, stats.LeasesFoundByACall, stats.CrashesWithLiveArrivals, stats.Reattachments, stats.CountedAgainAfterForgetting, stats.Unknowns, stats.CoalescedReleases, stats.Overflows, stats.Withdrawals,
                stats.Supersedes, stats.EvictedOnSight, stats.RecallsRemembered, stats.RecallsJoining, stats.LoseBreaks, stats.LoseAfterFinal, stats.LoseRefusedForStranger, stats.LoseRefusedForEvict },
            count => Assert.True(count > 0, stats.ToString()));
    }
}

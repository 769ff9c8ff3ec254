namespace Orleans.Barrier.Bench.Scenarios;

/// <summary>What the participants of a scenario do each phase.</summary>
[GenerateSerializer]
[Alias("Orleans.Barrier.Bench.ScenarioKind")]
internal enum ScenarioKind
{
    /// <summary>One no-op call each into one grain, then a local in-process rendezvous: the message floor.</summary>
    Floor,

    /// <summary>One call each into a naive one-grain barrier (counter + one completion source).</summary>
    NaiveBarrier,

    /// <summary>A <c>WaitAsync</c> each on our barrier.</summary>
    Barrier,
}

namespace Orleans.Barrier.Bench.Reporting;

/// <summary>How the cluster and the participants were set up, and the settings the figures depend on.</summary>
/// <param name="Processes">Client processes the latency rounds' participants but the floor's ran in; 0 for none (all in this process).</param>
internal sealed record SetupInfo(
    string Participants,
    int Silos,
    int Clients,
    int Processes,
    int? Shards,
    string Storage,
    double ClientResponseTimeoutSeconds,
    double PollIntervalSeconds,
    double DefaultLeaseSeconds,
    double ResultRetentionSeconds,
    bool Quick,
    IReadOnlyList<int> Parties,
    int Rounds,
    int ArrivalsPerRound,
    IReadOnlyList<string> Scenarios,
    IReadOnlyList<string> SkippedTopologies);

namespace Orleans.Barrier;

/// <summary>Silo-wide settings for hosted barriers. Configure with <see cref="BarrierSiloBuilderExtensions.AddBarriers(Orleans.Hosting.ISiloBuilder, Action{BarrierHostOptions})"/>.</summary>
public sealed class BarrierHostOptions
{
    /// <summary>
    /// The longest the barrier grain holds one wait poll before answering "still pending", when the participant
    /// does not say. <see langword="null"/> (the default) uses half of the silo's messaging response timeout,
    /// which keeps a poll well inside the timeout of any caller configured like the silo.
    /// </summary>
    public TimeSpan? DefaultPollInterval { get; set; }

    /// <summary>An upper bound on any poll, whatever the participant asks for. Default: one minute.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a barrier remembers the final result (index, break or cancellation) of an arrival, so a
    /// participant whose answer was lost in transit and asks again gets the same answer. At most
    /// max(2 x parties, 1,024) results are remembered, so memory does not grow with throughput. Default: two minutes.
    /// </summary>
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The grain storage provider that keeps barrier state (party count, phase, broken state, the latest release's
    /// roster). If no provider of this name is registered, barriers use an in-memory provider that
    /// <c>AddBarriers()</c> registers, which survives deactivation but not the loss of the silo that holds it.
    /// Default: <c>"Barriers"</c>.
    /// </summary>
    public string StorageName { get; set; } = "Barriers";

    /// <summary>
    /// The lease of an arrival whose handle does not set <see cref="BarrierOptions.LeaseDuration"/>: how long it may
    /// go without a re-issued poll before its participant counts as lost. Polls are held at most a third of the
    /// lease, so a live participant renews it at least three times. <see cref="Timeout.InfiniteTimeSpan"/> turns
    /// leases off by default. Default: one minute.
    /// </summary>
    public TimeSpan DefaultLeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many entries <see cref="BarrierStatus.Waiters"/> and <see cref="BarrierStatus.Missing"/> list at most. Default: 100.</summary>
    public int StatusListLimit { get; set; } = 100;
}

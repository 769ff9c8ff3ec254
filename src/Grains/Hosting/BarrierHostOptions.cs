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
    /// participant whose answer was lost in transit and asks again gets the same answer. Default: two minutes.
    /// </summary>
    public TimeSpan ResultRetention { get; set; } = TimeSpan.FromMinutes(2);
}

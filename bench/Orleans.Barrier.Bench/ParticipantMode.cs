namespace Orleans.Barrier.Bench;

/// <summary>Where the bench's participants run.</summary>
internal enum ParticipantMode
{
    /// <summary>Concurrent tasks sharing one external client, talking to the silo over loopback.</summary>
    Client,

    /// <summary>Grains on the silos (co-hosted with the barrier), one activation per participant.</summary>
    Grain,
}

namespace Orleans.Barrier.Bench;

/// <summary>Where the bench's participants run.</summary>
internal enum ParticipantMode
{
    /// <summary>Concurrent tasks on the external clients (participant i on client i mod their count), talking to the silos over loopback.</summary>
    Client,

    /// <summary>Grains on the silos (co-hosted with the barrier), one activation per participant.</summary>
    Grain,
}

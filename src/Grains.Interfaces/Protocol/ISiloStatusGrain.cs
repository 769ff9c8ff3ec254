namespace Orleans.Barrier;

/// <summary>
/// Answers, from the membership view of the silo it runs on, which of a few silos the cluster has declared dead. A
/// client's poll held by a silo that died (or froze, or was cut off) gets no answer until the client's response
/// timeout, and an Orleans client never learns of the death itself; its gateway does, within moments. So a client
/// that holds polls asks its gateway, and re-issues a poll as soon as the silo holding it is declared dead.
/// </summary>
/// <remarks>A stateless worker: each gateway silo answers from its own view, without a storage read or another hop.</remarks>
[Alias("Orleans.Barrier.ISiloStatusGrain")]
internal interface ISiloStatusGrain : IGrainWithIntegerKey
{
    /// <summary>Returns those of <paramref name="silos"/> that this silo knows to be dead (declared so, or gone after leaving).</summary>
    /// <param name="silos">The silos that hold the caller's polls.</param>
    [Alias("FindDead")]
    Task<SiloAddress[]> FindDeadAsync(SiloAddress[] silos);
}

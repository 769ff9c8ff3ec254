namespace Orleans.Barrier;

/// <summary>How long a barrier grain or shard holds one poll before answering "pending".</summary>
internal static class PollLength
{
    /// <summary>
    /// What the participant asked for (else the default), at most the host's maximum, and at most a third of the lease:
    /// a live participant renews its lease at least three times per lease, so one late poll does not lose it. Answered
    /// before the caller's response timeout at the latest; the participant re-issues the poll with the same id.
    /// </summary>
    public static TimeSpan Of(TimeSpan? asked, TimeSpan byDefault, TimeSpan most, TimeSpan? lease)
    {
        var poll = asked ?? byDefault;
        poll = poll < most ? poll : most;
        return lease is { } l && l / 3 < poll ? l / 3 : poll;
    }
}

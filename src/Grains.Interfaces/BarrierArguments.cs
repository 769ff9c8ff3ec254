namespace Orleans.Barrier;

/// <summary>Argument checks shared by the handle and the grain, so both reject bad input with the same words.</summary>
internal static class BarrierArguments
{
    public static void ThrowIfInvalidParties(int parties, string paramName)
    {
        if (parties < 1)
        {
            throw new ArgumentOutOfRangeException(paramName, parties, $"A barrier needs at least 1 party; got {parties}.");
        }
    }

    public static void ThrowIfInvalidTimeout(TimeSpan timeout, string paramName)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, $"A barrier timeout must be zero or more, or Timeout.InfiniteTimeSpan; got {timeout}.");
        }
    }

    public static string PartyMismatch(string name, int existing, int requested)
        => $"Barrier '{name}' already exists with {existing} parties; this participant asked for {requested} parties.";
}

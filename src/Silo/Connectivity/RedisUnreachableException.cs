namespace Orleans.Barrier.Connectivity;

/// <summary>Redis did not take the first connection: wrong address, not running, or wrong credentials. The message is one line.</summary>
internal sealed class RedisUnreachableException : Exception
{
    public RedisUnreachableException()
        : this("could not connect to Redis.")
    {
    }

    public RedisUnreachableException(string message)
        : base(message)
    {
    }

    public RedisUnreachableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

namespace Orleans.Barrier.Bench;

/// <summary>The bench saw something wrong (a hang, a bad release): the run fails with this message, and CI with it.</summary>
internal sealed class BenchFailureException : Exception
{
    public BenchFailureException()
    {
    }

    public BenchFailureException(string message)
        : base(message)
    {
    }

    public BenchFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Orleans.Barrier.Client.Connection;

/// <summary>No silo answered at the gateway(s) the client was given, within its bounded connection attempts.</summary>
internal sealed class SiloUnreachableException : Exception
{
    public SiloUnreachableException()
        : this("Could not connect to a silo.")
    {
    }

    public SiloUnreachableException(string message)
        : base(message)
    {
    }

    public SiloUnreachableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public SiloUnreachableException(GatewayEndpoint gateway, string detail, Exception? innerException)
        : base($"could not connect to a silo at {gateway}: {detail}", innerException)
    {
    }
}

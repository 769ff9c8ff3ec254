namespace Orleans.Barrier.Connectivity;

/// <summary>The TLS certificate or trusted CA file could not be used. The message is one line and names the file.</summary>
internal sealed class TlsCertificateException : Exception
{
    public TlsCertificateException()
        : this("the TLS certificate could not be used.")
    {
    }

    public TlsCertificateException(string message)
        : base(message)
    {
    }

    public TlsCertificateException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Barrier.Client.Connection;

/// <summary>A silo gateway as the user wrote it (<c>host:port</c>), kept as text so error messages can repeat it.</summary>
/// <param name="Host">A host name or IP address.</param>
/// <param name="Port">The gateway port.</param>
internal sealed record GatewayEndpoint(string Host, int Port)
{
    /// <summary>The gateway a silo started with default settings listens on.</summary>
    public static GatewayEndpoint Default { get; } = new("localhost", 30000);

    /// <summary>Reads <c>host:port</c>; a bare host means port 30000.</summary>
    public static bool TryParse(string text, out GatewayEndpoint? endpoint, out string? error)
    {
        endpoint = null;

        // Uri splits host and port for names, IPv4 and bracketed IPv6 alike.
        if (string.IsNullOrWhiteSpace(text)
            || !Uri.TryCreate("tcp://" + text.Trim(), UriKind.Absolute, out var uri)
            || uri.PathAndQuery is not ("" or "/")
            || !string.IsNullOrEmpty(uri.UserInfo))
        {
            error = $"'{text}' is not a gateway endpoint; expected host:port, e.g. localhost:30000.";
            return false;
        }

        endpoint = new GatewayEndpoint(uri.DnsSafeHost, uri.IsDefaultPort || uri.Port < 0 ? Default.Port : uri.Port);
        error = null;
        return true;
    }

    /// <summary>Resolves the host to an address the Orleans client can dial.</summary>
    /// <exception cref="SiloUnreachableException">The host name does not resolve.</exception>
    public async Task<IPEndPoint> ResolveAsync(CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(Host, out var literal))
        {
            return new IPEndPoint(literal, Port);
        }

        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(Host, cancellationToken);
        }
        catch (SocketException exception)
        {
            throw new SiloUnreachableException(this, $"host '{Host}' does not resolve", exception);
        }

        // Localhost clustering listens on IPv4 loopback only, so prefer IPv4 when a name (localhost) has both.
        var address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new SiloUnreachableException(this, $"host '{Host}' has no address", innerException: null);
        return new IPEndPoint(address, Port);
    }

    /// <inheritdoc />
    public override string ToString()
        => Host.Contains(':', StringComparison.Ordinal)
            ? string.Create(CultureInfo.InvariantCulture, $"[{Host}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}

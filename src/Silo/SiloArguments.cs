using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Barrier.Silo;

/// <summary>Converts the silo's option values, from the command line or the environment, with the same rules and words.</summary>
internal static class SiloArguments
{
    /// <summary>Accepts a TCP port number, 1 to 65535.</summary>
    public static bool TryConvertPort(string text, out int port, out string? error)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= 65535)
        {
            error = null;
            return true;
        }

        error = $"'{text}' is not a port number (1 to 65535).";
        return false;
    }

    /// <summary>Accepts <c>host:port</c>, where host is an IP address or a name that resolves (e.g. <c>localhost</c>).</summary>
    public static bool TryConvertEndpoint(string text, out IPEndPoint? endpoint, out string? error)
    {
        endpoint = null;

        // Uri splits host and port for names, IPv4 and bracketed IPv6 alike.
        if (!Uri.TryCreate("tcp://" + text, UriKind.Absolute, out var uri) || uri.Port < 1 || uri.AbsolutePath != "/")
        {
            error = $"'{text}' is not a host:port endpoint (e.g. localhost:11111).";
            return false;
        }

        if (!IPAddress.TryParse(uri.DnsSafeHost, out var address))
        {
            try
            {
                // Localhost clustering listens on IPv4 loopback, so prefer an IPv4 address when a name has both.
                var addresses = Dns.GetHostAddresses(uri.DnsSafeHost);
                address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
            }
            catch (SocketException)
            {
                address = null;
            }

            if (address is null)
            {
                error = $"Host '{uri.DnsSafeHost}' in '{text}' does not resolve.";
                return false;
            }
        }

        endpoint = new IPEndPoint(address, uri.Port);
        error = null;
        return true;
    }
}

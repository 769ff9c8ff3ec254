using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Orleans.Barrier.Connectivity;

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

    /// <summary>Accepts an IP address, or a host name that resolves (its first IPv4 address, else its first address).</summary>
    public static bool TryConvertAddress(string text, out IPAddress? address, out string? error)
    {
        if (IPAddress.TryParse(text, out address))
        {
            error = null;
            return true;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(text);
            address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault();
        }
        catch (Exception exception) when (exception is SocketException or ArgumentException)
        {
            address = null;
        }

        error = address is null ? $"'{text}' is not an IP address, nor a host name that resolves." : null;
        return address is not null;
    }

    /// <summary>Accepts <c>host:port</c> or a StackExchange.Redis configuration string; dials nothing.</summary>
    public static bool TryConvertRedis(string text, out RedisSettings? redis, out string? error)
        => RedisSettings.TryParse(text, out redis, out error);

    /// <summary>Accepts true/false, 1/0, yes/no (for an environment variable that switches something on).</summary>
    public static bool TryConvertSwitch(string text, out bool value, out string? error)
    {
        switch (text.ToUpperInvariant())
        {
            case "TRUE" or "1" or "YES":
                value = true;
                error = null;
                return true;
            case "FALSE" or "0" or "NO":
                value = false;
                error = null;
                return true;
            default:
                value = false;
                error = $"'{text}' is not true or false.";
                return false;
        }
    }
}

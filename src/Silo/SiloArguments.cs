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

    /// <summary>
    /// Accepts a membership probe timeout: <c>2s</c>, <c>500ms</c>, <c>1m</c>, a bare number of seconds, or
    /// <c>00:00:02</c>; from 100 ms to 10 minutes.
    /// </summary>
    public static bool TryConvertProbeTimeout(string text, out TimeSpan? timeout, out string? error)
    {
        timeout = null;
        var trimmed = text.Trim();
        var (number, unit) = trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase) ? (trimmed[..^2], TimeSpan.FromMilliseconds(1))
            : trimmed.EndsWith('s') || trimmed.EndsWith('S') ? (trimmed[..^1], TimeSpan.FromSeconds(1))
            : trimmed.EndsWith('m') || trimmed.EndsWith('M') ? (trimmed[..^1], TimeSpan.FromMinutes(1))
            : (trimmed, TimeSpan.FromSeconds(1));
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount) && double.IsFinite(amount) && amount < 1e9)
        {
            timeout = unit * amount;
        }
        else if (trimmed.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var parsed))
        {
            timeout = parsed;
        }

        // Below 100 ms a probe would miss on an ordinary GC pause; beyond minutes a dead silo would hold its grains for hours.
        if (timeout is { } value && value >= TimeSpan.FromMilliseconds(100) && value <= TimeSpan.FromMinutes(10))
        {
            error = null;
            return true;
        }

        timeout = null;
        error = $"'{text}' is not a probe timeout from 100ms to 10m (e.g. 2s, 500ms, 00:00:05).";
        return false;
    }

    /// <summary>Accepts a number of missed probes, 1 to 100.</summary>
    public static bool TryConvertMissedProbes(string text, out int? count, out string? error)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 100)
        {
            count = value;
            error = null;
            return true;
        }

        count = null;
        error = $"'{text}' is not a number of missed probes (1 to 100).";
        return false;
    }

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

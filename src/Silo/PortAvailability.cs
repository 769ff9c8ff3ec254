using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Barrier.Silo;

/// <summary>
/// Checks that a port is free before Orleans listens on it. Orleans binds with address reuse, which on Linux also
/// lets a second silo bind a port a running one holds; the newer silo then declares the older one a dead clone of
/// itself and it stops. A typo in a port must fail the new silo, not kill the old one.
/// </summary>
internal static class PortAvailability
{
    // setsockopt(SOL_SOCKET, SO_REUSEADDR) on Linux: ignores connections lingering in TIME_WAIT from a previous run,
    // but not a live listener (SocketOptionName.ReuseAddress would also set SO_REUSEPORT and let this bind succeed).
    private const int SolSocket = 1;
    private const int SoReuseAddr = 2;

    /// <summary>Returns an error line if something listens on <paramref name="address"/>:<paramref name="port"/>.</summary>
    public static string? InUse(IPAddress address, int port, string role)
    {
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                probe.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
            }

            probe.Bind(new IPEndPoint(address, port));
            probe.Listen();
            return null;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"the {role} port {port} is already in use on {address} (another silo?); choose another with --{role}-port.");
        }
        catch (SocketException exception)
        {
            return string.Create(CultureInfo.InvariantCulture, $"cannot listen on {address}:{port} ({role} port): {exception.Message}");
        }
    }
}

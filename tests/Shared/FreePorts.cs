using System.Net;
using System.Net.Sockets;

namespace Orleans.Barrier.Tests;

/// <summary>Ports the OS says are free right now, so parallel test runs never collide on fixed ports.</summary>
internal static class FreePorts
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

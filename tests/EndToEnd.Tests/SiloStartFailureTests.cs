using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Orleans.Barrier.Tests;

/// <summary>A silo process told something it cannot use stops at once with one line, not a stack trace.</summary>
public sealed class SiloStartFailureTests
{
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Silo_TlsCertificateWithWrongPassword_PrintsOneLineAndExitsWithStartFailed()
    {
        using var certificate = SelfSignedCertificate.Create();

        var run = await SiloProcess.RunToExitAsync(ExitBound, [.. Ports(), "--tls-cert", certificate.PfxPath, "--tls-password", "wrong"]);

        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(Lines(run.Output + run.Error));
        Assert.StartsWith($"error: cannot open the TLS certificate '{certificate.PfxPath}': not a PFX (PKCS#12) file, or the password is wrong", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silo_SiloPortAlreadyListenedOn_PrintsOneLineAndExitsWithStartFailed()
    {
        // Orleans itself binds with address reuse, so without the silo's own check a second silo would share the
        // port and declare the first one a dead clone of itself.
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var run = await SiloProcess.RunToExitAsync(ExitBound, "--silo-port", port, "--gateway-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(
            $"error: the silo port {port} is already in use on 127.0.0.1 (another silo?); choose another with --silo-port.",
            Assert.Single(Lines(run.Output + run.Error)));
    }

    [Fact]
    public async Task Silo_PrimarySiloWithRedis_IsAUsageError()
    {
        var run = await SiloProcess.RunToExitAsync(ExitBound, [.. Ports(), "--redis", "127.0.0.1:1", "--primary-silo", "127.0.0.1:11111"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "--primary-silo (BARRIER_PRIMARY_SILO) is for localhost clustering; with --redis the silos find each other in Redis.",
            Assert.Single(Lines(run.Output + run.Error)));
    }

    [Fact]
    public async Task Silo_AdvertisedAddressWithoutRedis_IsAUsageError()
    {
        var run = await SiloProcess.RunToExitAsync(ExitBound, [.. Ports(), "--advertised-address", "127.0.0.1"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "--advertised-address (BARRIER_ADVERTISED_ADDRESS) needs --redis; without it the silo uses localhost clustering on 127.0.0.1.",
            Assert.Single(Lines(run.Output + run.Error)));
    }

    [Fact]
    public async Task Silo_ProbeTimeoutBelow100Milliseconds_IsAUsageError()
    {
        var run = await SiloProcess.RunToExitAsync(ExitBound, [.. Ports(), "--probe-timeout", "50ms"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(
            "'50ms' is not a probe timeout from 100ms to 10m (e.g. 2s, 500ms, 00:00:05).",
            Assert.Single(Lines(run.Output + run.Error)));
    }

    private static string[] Ports()
        =>
        [
            "--silo-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
            "--gateway-port", FreePorts.Next().ToString(CultureInfo.InvariantCulture),
        ];

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

using Xunit.Abstractions;

namespace Orleans.Barrier.Tests;

/// <summary>
/// Mutual TLS between the CLI and a silo process: the cluster's certificate gets in; no TLS, or any other
/// certificate, is turned away with the CLI's "no silo reachable" exit code and one line saying why.
/// </summary>
public sealed class TlsTests(TlsSiloFixture fixture, ITestOutputHelper output) : IClassFixture<TlsSiloFixture>
{
    private const int NoSiloReachable = 4;

    [Fact]
    public async Task Cli_WithTheClusterCertificate_WaitsAndIsReleased()
    {
        var name = $"e2e-tls-{Guid.NewGuid():N}";

        var run = await ClientProcess.RunAsync(["wait", name, "--parties", "1", .. fixture.Cluster.Arguments(), .. fixture.GatewayArguments]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Released from barrier '{name}' with index 0", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_WithoutTls_IsTurnedAwayWithOneLine()
    {
        var run = await ClientProcess.RunAsync(["status", "any-barrier", .. fixture.GatewayArguments]);

        var line = AssertTurnedAway(run);
        Assert.Contains("The gateway closed the connection: it belongs to another cluster or service id, or it requires TLS (--tls-cert).", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_WithAnotherSelfSignedCertificate_IsTurnedAwayWithOneLine()
    {
        var run = await ClientProcess.RunAsync(["status", "any-barrier", .. fixture.Stranger.Arguments(), .. fixture.GatewayArguments]);

        var line = AssertTurnedAway(run);
        Assert.Contains("The gateway closed the connection: the TLS handshake failed", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_TrustingTheSiloButShowingAnotherCertificate_IsTurnedAwayByTheSilo()
    {
        // This side accepts the silo's certificate, so only the silo's check of the client's can refuse it.
        string[] trustsTheSilo = [.. fixture.Stranger.Arguments(), "--tls-ca", fixture.Cluster.PemPath];

        var run = await ClientProcess.RunAsync(["status", "any-barrier", .. trustsTheSilo, .. fixture.GatewayArguments]);

        var line = AssertTurnedAway(run);
        Assert.Contains("The gateway closed the connection: the TLS handshake failed", line, StringComparison.Ordinal);
        await fixture.Silo.WaitForOutputAsync("The remote certificate was rejected by the provided RemoteCertificateValidationCallback", TimeSpan.FromSeconds(30));
    }

    private string AssertTurnedAway(ClientRun run)
    {
        output.WriteLine(run.ToString());
        Assert.Equal(NoSiloReachable, run.ExitCode);
        Assert.Empty(run.Output);
        return Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}

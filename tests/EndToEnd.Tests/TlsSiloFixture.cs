namespace Orleans.Barrier.Tests;

/// <summary>
/// One silo process with mutual TLS switched on (<c>--tls-cert</c>, a throw-away self-signed certificate), and a
/// second self-signed certificate with the same subject that the silo has never seen. Shared by the TLS tests:
/// starting the silo dominates their run time.
/// </summary>
public sealed class TlsSiloFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartupBound = TimeSpan.FromSeconds(90);

    internal string ClusterId { get; } = $"e2e-tls-{Guid.NewGuid():N}";

    /// <summary>The certificate the silo uses; a client that shows it is in the cluster.</summary>
    internal SelfSignedCertificate Cluster { get; } = SelfSignedCertificate.Create();

    /// <summary>Same subject, another key: a certificate anyone could make.</summary>
    internal SelfSignedCertificate Stranger { get; } = SelfSignedCertificate.Create();

    internal SiloProcess Silo { get; private set; } = null!;

    /// <summary>The CLI's options that reach the silo's gateway, without any TLS option.</summary>
    internal string[] GatewayArguments => ["--gateway", $"127.0.0.1:{Silo.GatewayPort}", "--cluster-id", ClusterId];

    public async Task InitializeAsync()
    {
        Silo = SiloProcess.Start(ClusterId, extraArguments: Cluster.Arguments());
        await Silo.WaitUntilReadyAsync(StartupBound);
    }

    public async Task DisposeAsync()
    {
        if (Silo is not null)
        {
            await Silo.DisposeAsync();
        }

        Cluster.Dispose();
        Stranger.Dispose();
    }
}

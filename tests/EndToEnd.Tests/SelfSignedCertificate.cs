using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Barrier.Tests;

/// <summary>
/// A throw-away self-signed certificate written as a password-protected PFX (and its public half as PEM) to a
/// temporary folder that disposing deletes. Two of them with the same subject differ only in their keys, which is
/// exactly what TLS must tell apart.
/// </summary>
internal sealed class SelfSignedCertificate : IDisposable
{
    private readonly string _folder;

    private SelfSignedCertificate(string folder, string pfxPath, string pemPath, string password)
    {
        _folder = folder;
        PfxPath = pfxPath;
        PemPath = pemPath;
        Password = password;
    }

    /// <summary>The certificate and private key, for <c>--tls-cert</c>.</summary>
    public string PfxPath { get; }

    /// <summary>The certificate alone, for <c>--tls-ca</c>.</summary>
    public string PemPath { get; }

    /// <summary>For <c>--tls-password</c>.</summary>
    public string Password { get; }

    public static SelfSignedCertificate Create(string subject = "CN=orleans-barrier-test")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

        // Silos are servers to their peers and clients when they dial out, so the certificate serves both ends.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")],
            critical: false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        var folder = Directory.CreateTempSubdirectory("barrier-tls-").FullName;
        var password = Guid.NewGuid().ToString("N");
        var pfxPath = Path.Combine(folder, "node.pfx");
        var pemPath = Path.Combine(folder, "node.crt");
        File.WriteAllBytes(pfxPath, certificate.Export(X509ContentType.Pkcs12, password));
        File.WriteAllText(pemPath, certificate.ExportCertificatePem());
        return new SelfSignedCertificate(folder, pfxPath, pemPath, password);
    }

    /// <summary>The CLI's (or silo's) options that use this certificate.</summary>
    public string[] Arguments() => ["--tls-cert", PfxPath, "--tls-password", Password];

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}

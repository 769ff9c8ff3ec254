using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Barrier.Connectivity;

/// <summary>
/// Mutual TLS for a silo or a client: the certificate this process shows, and which certificates it accepts from
/// the other end. Only paths here; <see cref="Load"/> reads the files.
/// </summary>
/// <param name="CertificatePath">A PKCS#12 (.pfx/.p12) file with this process's certificate and private key.</param>
/// <param name="Password">The PFX file's password, or <see langword="null"/> for none.</param>
/// <param name="TrustedCaPath">
/// A PEM or DER file with the certificate(s) a peer's certificate must chain to; <see langword="null"/> trusts the
/// root of this process's own certificate as found in its PFX (the certificate itself, when it is self-signed).
/// </param>
internal sealed record TlsSettings(string CertificatePath, string? Password, string? TrustedCaPath)
{
    /// <summary>Reads the certificate and the trust anchors.</summary>
    /// <exception cref="TlsCertificateException">A file is missing or unreadable, the password is wrong, or no trust anchor can be found.</exception>
    public TlsCredentials Load()
    {
        var certificates = LoadPkcs12(CertificatePath, Password);
        var own = certificates.FirstOrDefault(c => c.HasPrivateKey)
            ?? throw new TlsCertificateException($"'{CertificatePath}' holds no certificate with a private key; TLS needs this process's own certificate and key.");
        if (own.NotAfter < DateTime.Now)
        {
            throw new TlsCertificateException($"the certificate in '{CertificatePath}' ({own.Subject}) expired on {own.NotAfter:yyyy-MM-dd}.");
        }

        var anchors = TrustedCaPath is { } caPath
            ? LoadCertificates(caPath)
            : [.. certificates.Where(IsSelfSigned)];
        if (anchors.Count == 0)
        {
            throw new TlsCertificateException(
                $"the certificate in '{CertificatePath}' ({own.Subject}) is issued by {own.Issuer}, whose certificate is not in the file; "
                + "name the CA certificate peers must chain to with --tls-ca.");
        }

        return new TlsCredentials(own, anchors);
    }

    private static X509Certificate2Collection LoadPkcs12(string path, string? password)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12CollectionFromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TlsCertificateException($"cannot read the TLS certificate '{path}': {exception.Message}", exception);
        }
        catch (CryptographicException exception)
        {
            throw new TlsCertificateException(
                $"cannot open the TLS certificate '{path}': not a PFX (PKCS#12) file, or the password is wrong ({exception.Message.TrimEnd('.')}).",
                exception);
        }
    }

    private static X509Certificate2Collection LoadCertificates(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            var certificates = new X509Certificate2Collection();
            if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            {
                certificates.ImportFromPem(text);
            }
            else
            {
                certificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }

            return certificates;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new TlsCertificateException($"cannot read the trusted CA file '{path}': {exception.Message}", exception);
        }
        catch (CryptographicException exception)
        {
            throw new TlsCertificateException($"the trusted CA file '{path}' is not a PEM or DER certificate ({exception.Message.TrimEnd('.')}).", exception);
        }
    }

    private static bool IsSelfSigned(X509Certificate2 certificate)
        => certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}

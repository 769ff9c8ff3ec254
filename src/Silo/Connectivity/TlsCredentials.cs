using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Orleans.Barrier.Connectivity;

/// <summary>
/// A loaded <see cref="TlsSettings"/>: this process's certificate, and the roots a peer's certificate must chain to.
/// Silos and clients check each other alike, so only holders of a certificate from those roots take part.
/// </summary>
internal sealed class TlsCredentials
{
    private readonly X509Certificate2Collection _anchors;

    public TlsCredentials(X509Certificate2 certificate, X509Certificate2Collection anchors)
    {
        Certificate = certificate;
        _anchors = anchors;
    }

    /// <summary>The certificate (with its private key) this process shows to its peers.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Names the certificate and the trusted roots, for the start-up log.</summary>
    public string Description
        => $"certificate {Certificate.Subject} ({Certificate.Thumbprint}), trusting {string.Join("; ", _anchors.Select(a => a.Subject))}";

    /// <summary>
    /// Whether a peer's certificate chains to one of the trusted roots. Replaces the platform's check, which would
    /// reject a private CA or a self-signed certificate, and would accept any certificate a public CA issued.
    /// </summary>
    /// <remarks>
    /// Host names are not compared: Orleans dials silos by the IP address they advertise, which a cluster
    /// certificate rarely names. The certificate proves membership of the cluster, not a host's identity.
    /// </remarks>
    public bool IsTrusted(X509Certificate2 certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_anchors);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            // Intermediates the peer sent along with its certificate.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(certificate))
        {
            return false;
        }

        // Custom root trust already demands a trusted root; checking the root by value as well keeps a
        // certificate that merely claims an anchor's name out.
        var root = chain.ChainElements[^1].Certificate;
        return _anchors.Any(anchor => anchor.RawData.AsSpan().SequenceEqual(root.RawData));
    }
}

using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Plugboard.Rpc;

/// <summary>
/// Validates a peer certificate against a given set of certificate authorities, not the machine's roots: how the host
/// trusts the certificate a plugin answered in its handshake, and a plugin the certificate the host gave it.
/// </summary>
public static class CertificateTrust
{
    /// <summary>True when <paramref name="certificate"/> chains to one of <paramref name="authorities"/> (and, with <paramref name="checkName"/>, names the host).</summary>
    public static bool IsTrusted(
        X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection authorities, bool checkName)
    {
        if (certificate is null)
        {
            return false;
        }

        if (checkName && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (certificate is X509Certificate2 given)
        {
            return chain.Build(given);
        }

        using var copy = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(copy);
    }
}

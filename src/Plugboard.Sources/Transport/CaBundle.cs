using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plugboard.Sources.Transport;

/// <summary>
/// The CA certificates one source trusts for its HTTPS server, instead of the machine's store: the server's
/// chain must end at one of them. Nothing is installed globally.
/// </summary>
public sealed class CaBundle
{
    private CaBundle(string path, X509Certificate2Collection certificates)
    {
        Path = path;
        Certificates = certificates;
    }

    /// <summary>The PEM file read.</summary>
    public string Path { get; }

    /// <summary>The CA certificates.</summary>
    public X509Certificate2Collection Certificates { get; }

    /// <summary>Reads every certificate of a PEM file.</summary>
    /// <exception cref="Sources.SourceException">The file is missing or holds no certificate; the message names it.</exception>
    public static CaBundle Load(string path, string sourceName)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new Sources.SourceException(sourceName, $"Source '{sourceName}': CA bundle '{full}' does not exist. Point CaBundle at a PEM file of the CA certificates that issued the server's certificate.");
        }

        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(full);
        }
        catch (CryptographicException ex)
        {
            throw new Sources.SourceException(sourceName, $"Source '{sourceName}': CA bundle '{full}' cannot be read as PEM certificates ({ex.Message}).", ex);
        }

        if (certificates.Count == 0)
        {
            throw new Sources.SourceException(sourceName, $"Source '{sourceName}': CA bundle '{full}' holds no '-----BEGIN CERTIFICATE-----' block.");
        }

        return new CaBundle(full, certificates);
    }

    /// <summary>Whether the server certificate is valid for the host and chains to one of this bundle's CAs.</summary>
    public bool Validates(X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(Certificates);
        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(server);
    }
}

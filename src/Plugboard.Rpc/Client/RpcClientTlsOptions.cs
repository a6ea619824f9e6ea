using System.Security.Cryptography.X509Certificates;

namespace Plugboard.Rpc.Client;

/// <summary>TLS settings of a client: which server certificates to trust and which certificate to present.</summary>
public sealed class RpcClientTlsOptions
{
    /// <summary>
    /// The certificate authorities the server certificate must chain to. When null or empty, the machine's
    /// trusted roots are used.
    /// </summary>
    public X509Certificate2Collection? TrustedCertificateAuthorities { get; set; }

    /// <summary>The certificate (with private key) presented to the server for mutual TLS; null for none.</summary>
    public X509Certificate2? ClientCertificate { get; set; }

    /// <summary>
    /// The host name the server certificate must be issued for. Defaults to the host of the address, or
    /// <c>localhost</c> for unix sockets.
    /// </summary>
    public string? TargetHost { get; set; }
}

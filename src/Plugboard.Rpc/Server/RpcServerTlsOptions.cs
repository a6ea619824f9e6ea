using System.Security.Cryptography.X509Certificates;

namespace Plugboard.Rpc.Server;

/// <summary>TLS settings of a server: its certificate and, for mutual TLS, which client certificates it accepts.</summary>
public sealed class RpcServerTlsOptions
{
    /// <summary>The server certificate, with its private key.</summary>
    public required X509Certificate2 ServerCertificate { get; set; }

    /// <summary>
    /// When set, every client must present a certificate that chains to one of these authorities (mutual TLS);
    /// when null or empty, clients present none.
    /// </summary>
    public X509Certificate2Collection? ClientCertificateAuthorities { get; set; }
}

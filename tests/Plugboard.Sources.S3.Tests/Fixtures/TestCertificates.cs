using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Plugboard.Sources.S3.Tests.Fixtures;

/// <summary>A throw-away CA and a server certificate for 127.0.0.1 it issued, written as PEM files; trusted only through a source's CaBundle.</summary>
public sealed class TestCertificates
{
    private TestCertificates(string caPem, string serverCertPem, string serverKeyPem)
    {
        CaPemPath = caPem;
        ServerCertPemPath = serverCertPem;
        ServerKeyPemPath = serverKeyPem;
    }

    public string CaPemPath { get; }

    public string ServerCertPemPath { get; }

    public string ServerKeyPemPath { get; }

    public static TestCertificates Create(string folder)
    {
        Directory.CreateDirectory(folder);
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=Plugboard S3 test CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29), RandomNumberGenerator.GetBytes(12));

        var certificates = new TestCertificates(Path.Combine(folder, "ca.pem"), Path.Combine(folder, "server.pem"), Path.Combine(folder, "server.key"));
        File.WriteAllText(certificates.CaPemPath, ca.ExportCertificatePem());
        File.WriteAllText(certificates.ServerCertPemPath, server.ExportCertificatePem());
        File.WriteAllText(certificates.ServerKeyPemPath, serverKey.ExportPkcs8PrivateKeyPem());
        return certificates;
    }
}

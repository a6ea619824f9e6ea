using System.Security.Cryptography;
using System.Text;

namespace Plugboard.Packaging;

/// <summary>
/// An ECDSA P-256 private key that signs packages. Keep <see cref="PrivateKeyPem"/> secret; hand out
/// <see cref="PublicKeyPem"/> to be placed in the trust stores of those who install the packages.
/// </summary>
public sealed class SigningKey
{
    private SigningKey(string privateKeyPem, string publicKeyPem, string keyId)
    {
        PrivateKeyPem = privateKeyPem;
        PublicKeyPem = publicKeyPem;
        KeyId = keyId;
    }

    /// <summary>The key id: the first 16 hex digits of the SHA-256 of the public key (SubjectPublicKeyInfo DER).</summary>
    public string KeyId { get; }

    /// <summary>The private key, PEM-encoded PKCS#8 (<c>-----BEGIN PRIVATE KEY-----</c>).</summary>
    public string PrivateKeyPem { get; }

    /// <summary>The public key, PEM-encoded SubjectPublicKeyInfo (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    public string PublicKeyPem { get; }

    /// <summary>The public half, as a trust store holds it.</summary>
    public TrustedKey PublicKey => TrustedKey.FromPem(PublicKeyPem);

    /// <summary>Generates a new random P-256 key.</summary>
    public static SigningKey Generate()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return From(ecdsa);
    }

    /// <summary>Reads a P-256 private key from PEM (PKCS#8 <c>PRIVATE KEY</c> or SEC1 <c>EC PRIVATE KEY</c>).</summary>
    /// <exception cref="ArgumentException">Not a P-256 private key; the message says what is expected.</exception>
    public static SigningKey FromPem(string privateKeyPem, string? source = null)
    {
        var where = source is null ? "The signing key" : $"Signing key '{source}'";
        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(privateKeyPem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new ArgumentException($"{where} is not a PEM ECDSA private key ({ex.Message}). Create one with 'plugboard key generate' or 'openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256'.", nameof(privateKeyPem), ex);
        }

        if (!KeyIds.IsP256(ecdsa))
        {
            throw new ArgumentException($"{where} is not on curve P-256; Plugboard signs with ECDSA P-256 only.", nameof(privateKeyPem));
        }

        try
        {
            ecdsa.ExportParameters(includePrivateParameters: true);
        }
        catch (CryptographicException ex)
        {
            throw new ArgumentException($"{where} holds only a public key; signing needs the private key.", nameof(privateKeyPem), ex);
        }

        return From(ecdsa);
    }

    /// <summary>Reads a private key PEM file.</summary>
    public static async Task<SigningKey> LoadAsync(string path, CancellationToken cancellationToken = default)
        => FromPem(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);

    /// <summary>Signs a package digest.</summary>
    public PackageSignature Sign(PackageDigest digest)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(PrivateKeyPem);
        var signature = ecdsa.SignData(Encoding.ASCII.GetBytes(digest.Value), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new PackageSignature(KeyId, PackageSignature.EcdsaP256Sha256, Convert.ToBase64String(signature), digest);
    }

    /// <summary>Signs the package file and writes its detached signature next to it (<c>FILE.pbpkg.sig</c>).</summary>
    public async Task<PackageSignature> SignPackageAsync(string packagePath, CancellationToken cancellationToken = default)
    {
        var digest = await PackageDigest.ComputeFileAsync(packagePath, cancellationToken).ConfigureAwait(false);
        var signature = Sign(digest);
        await signature.WriteAsync(PackageFormat.SignaturePathFor(packagePath), cancellationToken).ConfigureAwait(false);
        return signature;
    }

    private static SigningKey From(ECDsa ecdsa) => new(ecdsa.ExportPkcs8PrivateKeyPem(), ecdsa.ExportSubjectPublicKeyInfoPem(), KeyIds.FromPublicKey(ecdsa));
}

using System.Security.Cryptography;
using System.Text;

namespace Plugboard.Packaging;

/// <summary>A public key whose signatures are trusted, as held by a <see cref="TrustStore"/>.</summary>
public sealed class TrustedKey
{
    private readonly byte[] _subjectPublicKeyInfo;

    private TrustedKey(string keyId, string publicKeyPem, byte[] subjectPublicKeyInfo, string? source)
    {
        KeyId = keyId;
        PublicKeyPem = publicKeyPem;
        _subjectPublicKeyInfo = subjectPublicKeyInfo;
        Source = source;
    }

    /// <summary>The key id (first 16 hex digits of the SHA-256 of the SubjectPublicKeyInfo DER).</summary>
    public string KeyId { get; }

    /// <summary>The public key, PEM-encoded SubjectPublicKeyInfo.</summary>
    public string PublicKeyPem { get; }

    /// <summary>Where the key was read from (a file path), when known.</summary>
    public string? Source { get; }

    /// <summary>Reads a P-256 public key from PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    /// <exception cref="ArgumentException">Not a P-256 public key, or a private key; the message says what to do.</exception>
    public static TrustedKey FromPem(string publicKeyPem, string? source = null)
    {
        var where = source is null ? "The trusted key" : $"Trusted key file '{source}'";
        if (!PemEncoding.TryFind(publicKeyPem, out var fields))
        {
            throw new ArgumentException($"{where} is not PEM; expected '-----BEGIN PUBLIC KEY-----'.", nameof(publicKeyPem));
        }

        var label = publicKeyPem.AsSpan()[fields.Label].ToString();
        if (label != "PUBLIC KEY")
        {
            var hint = label.Contains("PRIVATE", StringComparison.Ordinal)
                ? " It holds a private key: put only the public key in a trust store, and keep the private key secret."
                : string.Empty;
            throw new ArgumentException($"{where} holds a '{label}', not a 'PUBLIC KEY'.{hint}", nameof(publicKeyPem));
        }

        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(publicKeyPem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            throw new ArgumentException($"{where} is not an ECDSA public key ({ex.Message}).", nameof(publicKeyPem), ex);
        }

        if (!KeyIds.IsP256(ecdsa))
        {
            throw new ArgumentException($"{where} is not on curve P-256; Plugboard verifies ECDSA P-256 signatures only.", nameof(publicKeyPem));
        }

        return new TrustedKey(KeyIds.FromPublicKey(ecdsa), ecdsa.ExportSubjectPublicKeyInfoPem(), ecdsa.ExportSubjectPublicKeyInfo(), source);
    }

    /// <summary>Whether <paramref name="signature"/> (DER-encoded ECDSA) signs <paramref name="digest"/> with this key.</summary>
    public bool Verify(PackageDigest digest, ReadOnlySpan<byte> signature)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_subjectPublicKeyInfo, out _);
        return ecdsa.VerifyData(Encoding.ASCII.GetBytes(digest.Value), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <inheritdoc/>
    public override string ToString() => Source is null ? KeyId : $"{KeyId} ({Source})";
}

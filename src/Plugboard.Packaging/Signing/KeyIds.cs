using System.Security.Cryptography;

namespace Plugboard.Packaging;

/// <summary>How keys are named: the first 16 hex digits of the SHA-256 of the public key's SubjectPublicKeyInfo DER.</summary>
internal static class KeyIds
{
    public const string P256Oid = "1.2.840.10045.3.1.7";

    public static string FromPublicKey(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    public static bool IsP256(ECDsa key) => key.ExportParameters(includePrivateParameters: false).Curve.Oid.Value == P256Oid;
}

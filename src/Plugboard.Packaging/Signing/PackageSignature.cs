using System.Text.Encodings.Web;
using System.Text.Json;

namespace Plugboard.Packaging;

/// <summary>
/// A detached package signature, stored as JSON next to the package in <c>FILE.pbpkg.sig</c>: which key
/// signed, with which algorithm, the DER-encoded ECDSA signature (base64) of the ASCII text of the digest.
/// </summary>
/// <param name="KeyId">The id of the signing key.</param>
/// <param name="Algorithm">Always <see cref="EcdsaP256Sha256"/> in this format version.</param>
/// <param name="Signature">The base64 DER-encoded ECDSA signature over the UTF-8 bytes of <c>Digest.Value</c>.</param>
/// <param name="Digest">The package digest that was signed.</param>
public sealed record PackageSignature(string KeyId, string Algorithm, string Signature, PackageDigest Digest)
{
    /// <summary>The only algorithm: ECDSA on P-256 with SHA-256.</summary>
    public const string EcdsaP256Sha256 = "ecdsa-p256-sha256";

    /// <summary>The largest signature file read: a real one is about 300 bytes; a larger one is refused before it is parsed.</summary>
    public const int MaxFileBytes = 8 * 1024;

    private static readonly string[] KnownFields = ["keyId", "algorithm", "signature", "digest"];

    /// <summary>Serializes the signature file.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("keyId", KeyId);
            json.WriteString("algorithm", Algorithm);
            json.WriteString("signature", Signature);
            json.WriteString("digest", Digest.Value);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Parses a signature file.</summary>
    /// <exception cref="FormatException">Malformed; the message names <paramref name="source"/> and the field.</exception>
    public static PackageSignature Parse(string json, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"Signature file '{source}' must hold a JSON object.");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (!KnownFields.Contains(property.Name, StringComparer.Ordinal))
                {
                    throw new FormatException($"Signature file '{source}' has the unknown field '{property.Name}'; a signature holds only {string.Join(", ", KnownFields)}.");
                }
            }

            string Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
                ? text
                : throw new FormatException($"Signature file '{source}' has no '{name}' string.");

            var digestText = Field("digest");
            if (!PackageDigest.TryParse(digestText, out var digest))
            {
                throw new FormatException($"Signature file '{source}': 'digest' is not 'sha256:' followed by 64 hex digits.");
            }

            var signature = new PackageSignature(Field("keyId"), Field("algorithm"), Field("signature"), digest);
            signature.GetSignatureBytes(source);
            return signature;
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Signature file '{source}' is not valid JSON ({ex.Message}).", ex);
        }
    }

    /// <summary>Reads a signature file.</summary>
    /// <exception cref="FormatException">Malformed; the message names the file.</exception>
    public static async Task<PackageSignature> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxFileBytes)
        {
            throw new FormatException($"Signature file '{path}' is {length} bytes; a signature file is at most {MaxFileBytes} bytes (a real one is about 300).");
        }

        return Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path);
    }

    /// <summary>Writes the signature file (replacing an existing one).</summary>
    public Task WriteAsync(string path, CancellationToken cancellationToken = default)
        => File.WriteAllTextAsync(path, ToJson(), cancellationToken);

    /// <summary>The decoded signature bytes.</summary>
    /// <exception cref="FormatException">Not base64.</exception>
    public byte[] GetSignatureBytes() => GetSignatureBytes("signature");

    private byte[] GetSignatureBytes(string source)
    {
        try
        {
            return Convert.FromBase64String(Signature);
        }
        catch (FormatException ex)
        {
            throw new FormatException($"Signature file '{source}': 'signature' is not base64.", ex);
        }
    }
}

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Plugboard.Packaging;

/// <summary>
/// The identity of a package's bytes: <c>sha256:</c> followed by the lower-case hex SHA-256 of the whole
/// archive file. Two packages with the same digest are the same package.
/// </summary>
public sealed record PackageDigest
{
    /// <summary>The prefix naming the hash algorithm.</summary>
    public const string Prefix = "sha256:";

    private PackageDigest(string hex) => Hex = hex;

    /// <summary>The lower-case hex SHA-256 (64 characters).</summary>
    public string Hex { get; }

    /// <summary>The digest as written everywhere: <c>sha256:&lt;hex&gt;</c>.</summary>
    public string Value => Prefix + Hex;

    /// <summary>Creates a digest from a raw 32-byte SHA-256 hash.</summary>
    public static PackageDigest FromHash(ReadOnlySpan<byte> sha256)
    {
        if (sha256.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException($"A SHA-256 hash has {SHA256.HashSizeInBytes} bytes, got {sha256.Length}.", nameof(sha256));
        }

        return new PackageDigest(Convert.ToHexStringLower(sha256));
    }

    /// <summary>Parses <c>sha256:&lt;64 hex digits&gt;</c> (hex in either case).</summary>
    /// <exception cref="FormatException">The text is not a digest; the message shows the expected form.</exception>
    public static PackageDigest Parse(string text)
    {
        if (TryParse(text, out var digest))
        {
            return digest;
        }

        throw new FormatException($"'{text}' is not a package digest: expected 'sha256:' followed by 64 hex digits.");
    }

    /// <summary>Tries to parse <c>sha256:&lt;64 hex digits&gt;</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out PackageDigest? digest)
    {
        digest = null;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var hex = text.AsSpan(Prefix.Length);
        if (hex.Length != SHA256.HashSizeInBytes * 2 || !IsHex(hex))
        {
            return false;
        }

        digest = new PackageDigest(hex.ToString().ToLowerInvariant());
        return true;
    }

    /// <summary>Computes the digest of everything read from <paramref name="stream"/> from its current position.</summary>
    public static async Task<PackageDigest> ComputeAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var hash = await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false);
        return FromHash(hash);
    }

    /// <summary>Computes the digest of a file.</summary>
    public static async Task<PackageDigest> ComputeFileAsync(string path, CancellationToken cancellationToken = default)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        return await ComputeAsync(stream, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public override string ToString() => Value;

    internal static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plugboard.Sources.Http;

/// <summary>
/// The static <c>index.json</c> of an http feed:
/// <c>{ "packages": [ { "id", "version", "digest": "sha256:…", "url", "signatureUrl"? } ] }</c>; URLs are
/// relative to the index (or absolute).
/// </summary>
public sealed record HttpFeedIndex
{
    /// <summary>The packages of the feed.</summary>
    public IReadOnlyList<HttpFeedPackage> Packages { get; init; } = [];

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Parses an index.</summary>
    /// <exception cref="FormatException">Not an index; the message says which field.</exception>
    public static HttpFeedIndex Parse(ReadOnlySpan<byte> json, string location)
    {
        HttpFeedIndex? index;
        try
        {
            index = JsonSerializer.Deserialize<HttpFeedIndex>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Feed index {location} is not valid JSON ({ex.Message}).", ex);
        }

        if (index is null)
        {
            throw new FormatException($"Feed index {location} is empty.");
        }

        for (var i = 0; i < index.Packages.Count; i++)
        {
            var package = index.Packages[i];
            if (string.IsNullOrWhiteSpace(package.Id) || string.IsNullOrWhiteSpace(package.Version) || string.IsNullOrWhiteSpace(package.Url))
            {
                throw new FormatException($"Feed index {location}: packages[{i}] needs 'id', 'version' and 'url'.");
            }

            if (!Plugboard.Packaging.PackageDigest.TryParse(package.Digest, out _))
            {
                throw new FormatException($"Feed index {location}: packages[{i}] ({package.Id} {package.Version}) needs 'digest': 'sha256:' followed by 64 hex digits.");
            }
        }

        return index;
    }

    /// <summary>Serializes the index (for feeds written by tools and tests).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>One package listed by a feed index.</summary>
public sealed record HttpFeedPackage
{
    /// <summary>The plugin id.</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The plugin version.</summary>
    public string Version { get; init; } = string.Empty;

    /// <summary>The package digest, <c>sha256:…</c>.</summary>
    public string Digest { get; init; } = string.Empty;

    /// <summary>The package URL, relative to the index or absolute.</summary>
    public string Url { get; init; } = string.Empty;

    /// <summary>The detached signature URL, when the package is signed.</summary>
    public string? SignatureUrl { get; init; }
}

using System.Text.Json.Serialization;

namespace Plugboard.Sources.Cache;

/// <summary>
/// The cache index: for every source, the packages it offered at its last successful sync, each as
/// (source, set, plugin, version) → digest. It is replaced as a whole, atomically, so a reader always
/// sees one complete state.
/// </summary>
public sealed record CacheIndex
{
    /// <summary>The index format this library writes.</summary>
    public const int CurrentFormat = 1;

    /// <summary>An index with no source.</summary>
    public static CacheIndex Empty { get; } = new();

    /// <summary>The format of the index.</summary>
    public int Format { get; init; } = CurrentFormat;

    /// <summary>The sources, in the order they were first synced.</summary>
    public IReadOnlyList<SourceRecord> Sources { get; init; } = [];

    /// <summary>The packages taken (in a set's plugins and versions), of every source.</summary>
    [JsonIgnore]
    public IEnumerable<CacheEntry> Entries => Sources.SelectMany(s => s.Packages.Where(p => p.Included));

    /// <summary>The record of the source named <paramref name="name"/> (ignoring case), or null.</summary>
    public SourceRecord? Find(string name) => Sources.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>This index with <paramref name="record"/> replacing the record of the same source (or appended).</summary>
    public CacheIndex With(SourceRecord record)
    {
        var sources = Sources.ToList();
        var at = sources.FindIndex(s => string.Equals(s.Name, record.Name, StringComparison.OrdinalIgnoreCase));
        if (at >= 0)
        {
            sources[at] = record;
        }
        else
        {
            sources.Add(record);
        }

        return this with { Sources = sources };
    }

    /// <summary>This index without the source named <paramref name="name"/>.</summary>
    public CacheIndex Without(string name)
        => this with { Sources = [.. Sources.Where(s => !string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))] };
}

/// <summary>What one source offered at its last successful sync.</summary>
public sealed record SourceRecord
{
    /// <summary>The source name.</summary>
    public required string Name { get; init; }

    /// <summary>When the sync that produced this record finished.</summary>
    public DateTimeOffset SyncedAt { get; init; }

    /// <summary>What the source was read at (a commit id, an ETag, …), when it has such a notion.</summary>
    public string? Revision { get; init; }

    /// <summary>Every package seen, taken or not (so an unchanged candidate is recognized without fetching it).</summary>
    public IReadOnlyList<CacheEntry> Packages { get; init; } = [];
}

/// <summary>One package of one plugin set of one source.</summary>
public sealed record CacheEntry
{
    /// <summary>The source name.</summary>
    public required string Source { get; init; }

    /// <summary>The plugin set key.</summary>
    public required string Set { get; init; }

    /// <summary>The plugin id.</summary>
    public required string Id { get; init; }

    /// <summary>The plugin version (SemVer 2, full form).</summary>
    public required string Version { get; init; }

    /// <summary>The package digest (<c>sha256:…</c>).</summary>
    public required string Digest { get; init; }

    /// <summary>Where the package is in the source.</summary>
    public required string Origin { get; init; }

    /// <summary>The source's fingerprint of the package when it was fetched.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The key whose valid signature was checked, when one was.</summary>
    public string? SignatureKeyId { get; init; }

    /// <summary>Whether the set takes the package (its plugins and versions); only taken packages are in the cache and resolved.</summary>
    public bool Included { get; init; }

    /// <summary>The digest, parsed.</summary>
    [JsonIgnore]
    public Plugboard.Packaging.PackageDigest PackageDigest => Plugboard.Packaging.PackageDigest.Parse(Digest);
}

using System.Text.Json.Serialization;

namespace Plugboard.Sources.Sync;

/// <summary>One sync: what happened to each source. Recorded as a JSON line in <c>{cacheDir}/runs/sync-runs.jsonl</c>.</summary>
public sealed record SyncRun
{
    /// <summary>The run id.</summary>
    public required string Id { get; init; }

    /// <summary>When the run started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long the run took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>The result of each source synced, in configuration order.</summary>
    public IReadOnlyList<SourceSyncResult> Sources { get; init; } = [];

    /// <summary>Whether every source succeeded.</summary>
    [JsonIgnore]
    public bool Succeeded => Sources.All(s => s.Status == SourceSyncStatus.Ok);

    /// <summary>The result of the source named <paramref name="name"/> (ignoring case).</summary>
    public SourceSyncResult this[string name] => Sources.First(s => string.Equals(s.Source, name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>What one sync did to one source. Counts are per plugin of a set: its set of (version, digest) was added, changed, kept or dropped.</summary>
public sealed record SourceSyncResult
{
    /// <summary>The source name.</summary>
    public required string Source { get; init; }

    /// <summary>Whether the source was synced; when failed, its previous cache state is untouched.</summary>
    public required SourceSyncStatus Status { get; init; }

    /// <summary>Plugins the source did not offer before.</summary>
    public int Added { get; init; }

    /// <summary>Plugins whose versions or digests changed.</summary>
    public int Updated { get; init; }

    /// <summary>Plugins unchanged.</summary>
    public int Unchanged { get; init; }

    /// <summary>Plugins the source no longer offers.</summary>
    public int Removed { get; init; }

    /// <summary>Packages fetched (downloaded, read from git or packed from a folder) because they were new or changed.</summary>
    public int PackagesFetched { get; init; }

    /// <summary>Network transfers made while listing (git fetches, index downloads); 0 for an unchanged remote source.</summary>
    public int RemoteFetches { get; init; }

    /// <summary>What the source was read at (commit ids, ETags), when known.</summary>
    public string? Revision { get; init; }

    /// <summary>How long the source took.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Why the source failed: what, for which package, and what to do.</summary>
    public string? Error { get; init; }
}

/// <summary>The outcome of syncing one source.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SourceSyncStatus>))]
public enum SourceSyncStatus
{
    /// <summary>Synced and committed.</summary>
    Ok,

    /// <summary>Not synced; the previous cache state of the source is kept.</summary>
    Failed,
}

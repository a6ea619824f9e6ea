namespace Plugboard.Sources.Sync;

/// <summary>What one sync does.</summary>
public sealed record SyncOptions
{
    /// <summary>The defaults: every configured source, nothing re-locked.</summary>
    public static SyncOptions Default { get; } = new();

    /// <summary>The names of the sources to sync (ignoring case); null syncs all of them.</summary>
    public IReadOnlyCollection<string>? Sources { get; init; }

    /// <summary>
    /// Plugin ids (or <c>id@version</c>) whose lock entries are dropped before syncing, so a package whose
    /// bytes changed under the same version is accepted and locked anew. Use deliberately.
    /// </summary>
    public IReadOnlyCollection<string> Relock { get; init; } = [];

    /// <summary>
    /// Accepts a source offering a lower version of a plugin than the cache has from it (a rollback), which is refused
    /// otherwise unless the set pins the version. Use deliberately, for one sync.
    /// </summary>
    public bool AllowDowngrade { get; init; }
}

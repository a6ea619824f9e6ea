namespace Plugboard.Sources.Sync;

/// <summary>Where a sync is, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="Source">The source being synced.</param>
/// <param name="Stage">What it is doing.</param>
/// <param name="Completed">Package candidates handled so far in this source.</param>
/// <param name="Total">Package candidates of this source (0 until listed).</param>
/// <param name="Item">The candidate or step concerned, when there is one.</param>
public sealed record SyncProgress(string Source, SyncStage Stage, int Completed, int Total, string? Item = null);

/// <summary>The stages of syncing one source.</summary>
public enum SyncStage
{
    /// <summary>Reading what the source offers (fetching a mirror, an index).</summary>
    Listing,

    /// <summary>Fetching and verifying packages that are new or changed.</summary>
    Fetching,

    /// <summary>Writing packages, extracted folders, the lock and the index.</summary>
    Committing,

    /// <summary>The source is synced.</summary>
    Succeeded,

    /// <summary>The source failed; its previous cache state is kept.</summary>
    Failed,
}

namespace Plugboard.Sources.Cache;

/// <summary>What <see cref="CacheStore.CollectGarbageAsync"/> removed, or in a dry run would remove.</summary>
/// <param name="Items">Each thing removed, packages first, in a stable order.</param>
/// <param name="DryRun">Whether nothing was removed because it was a dry run.</param>
public sealed record GarbageCollectionResult(IReadOnlyList<GarbageItem> Items, bool DryRun)
{
    /// <summary>Packages no index entry references.</summary>
    public int BlobsRemoved => Items.Count(i => i.Kind == GarbageKind.Package);

    /// <summary>Extracted plugin folders no index entry references, and leftovers of interrupted extractions.</summary>
    public int PluginDirectoriesRemoved => Items.Count(i => i.Kind == GarbageKind.PluginDirectory);

    /// <summary>The bytes of the removed packages.</summary>
    public long BytesFreed => Items.Where(i => i.Kind == GarbageKind.Package).Sum(i => i.Bytes);
}

namespace Plugboard.Sources.Cache;

/// <summary>What <see cref="CacheStore.CollectGarbageAsync"/> removed.</summary>
/// <param name="BlobsRemoved">Packages no index entry references.</param>
/// <param name="PluginDirectoriesRemoved">Extracted plugin folders no index entry references, and leftovers of interrupted extractions.</param>
/// <param name="BytesFreed">The bytes of the removed blobs.</param>
public sealed record GarbageCollectionResult(int BlobsRemoved, int PluginDirectoriesRemoved, long BytesFreed);

namespace Plugboard.Sources.Cache;

/// <summary>What a <see cref="GarbageItem"/> is, which says how garbage collection removes it.</summary>
public enum GarbageKind
{
    /// <summary>A package (and its signature) in the blob store that no index entry references.</summary>
    Package,

    /// <summary>An extracted plugin folder that is not the folder of an index entry, or one cut short by a stopped extraction.</summary>
    PluginDirectory,

    /// <summary>A temporary file a stopped process was writing (a package, the index or the lock file) and never renamed into place.</summary>
    InterruptedWrite,

    /// <summary>A work folder or file a stopped sync left in the cache's <c>tmp</c> folder.</summary>
    SyncLeftover,
}

using Plugboard.Packaging;

namespace Plugboard.Sources.Locking;

/// <summary>A package has the id and version of a locked one but other bytes; it is refused.</summary>
public sealed class LockConflictException : Exception
{
    /// <summary>Creates the exception; the message names both digests and how to accept the new one.</summary>
    public LockConflictException(string id, string version, PackageDigest locked, PackageDigest found, string origin, string lockPath)
        : base($"Plugin {id} {version} from {origin} has digest {found}, but {lockPath} locks {id} {version} to {locked}. " +
               "The same version was published again with other bytes, or the package was tampered with: it is refused. " +
               $"If the change is intended, re-lock it (SyncOptions.Relock = [\"{id}\"], or remove the entry from the lock file) and sync again; better, publish a new version.")
    {
        Id = id;
        Version = version;
        LockedDigest = locked;
        FoundDigest = found;
    }

    /// <summary>The plugin id.</summary>
    public string Id { get; }

    /// <summary>The plugin version.</summary>
    public string Version { get; }

    /// <summary>The digest in the lock file.</summary>
    public PackageDigest LockedDigest { get; }

    /// <summary>The digest of the package refused.</summary>
    public PackageDigest FoundDigest { get; }
}

using Plugboard.Packaging;
using Plugboard.Sources.Configuration;

namespace Plugboard.Sources.Cache;

/// <summary>
/// The cache: content-addressed packages (<see cref="Blobs"/>), the <see cref="CacheIndex"/>, and the
/// extracted plugin folders (<c>{cacheDir}/plugins/{id}/{version}-{shortDigest}/</c>) ready to load.
/// Every write is atomic, so a process stopped at any instant leaves the previous state loadable.
/// </summary>
public sealed class CacheStore
{
    private const int ShortDigestLength = 12;

    /// <summary>A cache in <paramref name="cacheDirectory"/>, with blobs and index there too unless other stores are given (e.g. S3).</summary>
    public CacheStore(string cacheDirectory, IBlobStore? blobs = null, ICacheIndexStore? index = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(cacheDirectory);
        CacheDirectory = Path.GetFullPath(cacheDirectory);
        Blobs = blobs ?? new FileSystemBlobStore(Path.Combine(CacheDirectory, "blobs"));
        Index = index ?? new FileSystemCacheIndexStore(Path.Combine(CacheDirectory, "index.json"));
    }

    /// <summary>The local cache folder.</summary>
    public string CacheDirectory { get; }

    /// <summary>Where packages are kept by digest.</summary>
    public IBlobStore Blobs { get; }

    /// <summary>Where the index is kept.</summary>
    public ICacheIndexStore Index { get; }

    /// <summary>The folder of extracted plugins.</summary>
    public string PluginsDirectory => Path.Combine(CacheDirectory, "plugins");

    /// <summary>The folder of sync work files, emptied by each sync and by garbage collection.</summary>
    internal string TempDirectory => Path.Combine(CacheDirectory, "tmp");

    /// <summary>
    /// Deletes the work folders of syncs that were stopped before cleaning up. Only a sync holding the cache lock creates
    /// folders in <see cref="TempDirectory"/>, so the caller, holding it, knows every folder found is dead; files there
    /// (extraction copies of readers that take no lock) are left alone.
    /// </summary>
    internal void DeleteStaleWorkFolders()
    {
        if (Directory.Exists(TempDirectory))
        {
            foreach (var folder in Directory.EnumerateDirectories(TempDirectory).ToList())
            {
                AtomicFile.TryDeleteDirectory(folder);
            }
        }
    }

    /// <summary>
    /// Checks that no folder the cache writes into, extracts into or deletes from is a symbolic link: the top folders
    /// (<c>plugins</c>, <c>blobs</c>, <c>tmp</c>, <c>sources</c>, <c>git</c>) and the id and version folders under
    /// <c>plugins</c>, and the entries of <c>sources</c> and <c>git</c>. Run under the cache lock before any work.
    /// </summary>
    /// <exception cref="CacheLayoutException">A link is where a folder belongs; nothing was written.</exception>
    public void EnsureNoLinks()
    {
        foreach (var folder in (string[])[PluginsDirectory, Path.Combine(CacheDirectory, "blobs"), Path.Combine(CacheDirectory, "blobs", "sha256"), TempDirectory, Path.Combine(CacheDirectory, "sources"), Path.Combine(CacheDirectory, "git")])
        {
            EnsureNotLink(folder);
        }

        foreach (var parent in (string[])[Path.Combine(CacheDirectory, "sources"), Path.Combine(CacheDirectory, "git")])
        {
            if (Directory.Exists(parent))
            {
                foreach (var entry in Directory.EnumerateFileSystemEntries(parent))
                {
                    EnsureNotLink(entry);
                }
            }
        }

        if (Directory.Exists(PluginsDirectory))
        {
            foreach (var idFolder in Directory.EnumerateFileSystemEntries(PluginsDirectory))
            {
                EnsureNotLink(idFolder);
                if (Directory.Exists(idFolder))
                {
                    foreach (var versionFolder in Directory.EnumerateFileSystemEntries(idFolder))
                    {
                        EnsureNotLink(versionFolder);
                    }
                }
            }
        }
    }

    /// <summary>Checks every component of <paramref name="path"/> below the cache folder that exists: none may be a link.</summary>
    /// <exception cref="CacheLayoutException">One is.</exception>
    internal void EnsureNoLinksOnPath(string path)
    {
        var relative = Path.GetRelativePath(CacheDirectory, Path.GetFullPath(path));
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            throw new CacheLayoutException($"'{path}' is outside the cache {CacheDirectory}; the cache writes only inside its folder.");
        }

        var current = CacheDirectory;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            current = Path.Combine(current, part);
            EnsureNotLink(current);
        }
    }

    private void EnsureNotLink(string path)
    {
        var info = new FileInfo(path);
        if (info.Exists || Directory.Exists(path) || info.LinkTarget is not null)
        {
            var target = info.LinkTarget ?? new DirectoryInfo(path).LinkTarget;
            if (target is not null)
            {
                throw new CacheLayoutException(
                    $"The cache {CacheDirectory} holds a symbolic link at '{path}' (to '{target}') where a folder belongs. Plugboard never follows links " +
                    "inside its cache, so that nothing is written, extracted or deleted outside it: remove the link (and find out who planted it), then sync again.");
            }
        }
    }

    /// <summary>
    /// Deletes the staging folders (<c>plugins/{id}/.{version}.extracting-…</c>, <c>.deleting-…</c>) of extractions and
    /// deletions a killed process left behind. Readers extract without the cache lock, so only folders untouched for
    /// <paramref name="olderThan"/> are taken as dead.
    /// </summary>
    internal void DeleteStaleStagingFolders(TimeSpan olderThan, DateTimeOffset now)
    {
        if (!Directory.Exists(PluginsDirectory))
        {
            return;
        }

        foreach (var idFolder in Directory.EnumerateDirectories(PluginsDirectory))
        {
            foreach (var staging in Directory.EnumerateDirectories(idFolder, ".*").ToList())
            {
                var name = Path.GetFileName(staging);
                if ((name.Contains(".extracting-", StringComparison.Ordinal) || name.Contains(".deleting-", StringComparison.Ordinal))
                    && now - Directory.GetLastWriteTimeUtc(staging) > olderThan)
                {
                    AtomicFile.TryDeleteDirectory(staging);
                }
            }
        }
    }

    /// <summary>
    /// Records a package that entered the cache outside a sync (an upload to the plugin center) in the lock file,
    /// holding the cache lock as a sync does: from then on that id and version may only ever be these bytes.
    /// </summary>
    /// <param name="lockFile">The lock file (<see cref="PlugboardSourcesOptions.ResolvedLockFile"/>).</param>
    /// <param name="id">The plugin id.</param>
    /// <param name="version">The version.</param>
    /// <param name="digest">The package's digest.</param>
    /// <param name="origin">Where it came from, for the conflict message.</param>
    /// <param name="cancellationToken">Cancels waiting for the cache lock.</param>
    /// <returns>Whether the lock changed (false: it already held this digest).</returns>
    /// <exception cref="Locking.LockConflictException">The id and version are locked to another digest.</exception>
    public async Task<bool> LockAsync(string lockFile, string id, string version, PackageDigest digest, string origin, CancellationToken cancellationToken = default)
    {
        using var held = await CacheDirectoryLock.AcquireAsync(CacheDirectory, cancellationToken).ConfigureAwait(false);
        var locks = await Locking.PluginLockFile.LoadAsync(lockFile, cancellationToken).ConfigureAwait(false);
        if (!locks.Check(id, version, digest, origin))
        {
            return false;
        }

        await locks.SaveAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Reads the index.</summary>
    public Task<CacheIndex> ReadIndexAsync(CancellationToken cancellationToken = default) => Index.ReadAsync(cancellationToken);

    /// <summary>The folder a package is extracted to: <c>plugins/{id}/{version}-{first 12 hex of the digest}</c>.</summary>
    public string PluginDirectoryFor(string id, string version, PackageDigest digest)
        => Path.Combine(PluginsDirectory, id, $"{version}-{digest.Hex[..ShortDigestLength]}");

    /// <summary>
    /// The extracted folder of an entry, extracting it from its blob first when missing (no network with a
    /// file-system blob store). Extraction is atomic, so an existing folder is complete.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither the folder nor the blob is in the cache.</exception>
    /// <exception cref="CacheLayoutException">A folder on the way to the extracted folder is a symbolic link.</exception>
    public async Task<string> EnsureExtractedAsync(CacheEntry entry, CancellationToken cancellationToken = default)
    {
        // Readers take no cache lock and have not run EnsureNoLinks: check this entry's own path.
        EnsureNoLinksOnPath(PluginDirectoryFor(entry.Id, entry.Version, entry.PackageDigest));
        return await EnsureExtractedUnderLockAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <see cref="EnsureExtractedAsync"/> for a sync holding the cache lock, which ran <see cref="EnsureNoLinks"/> over the
    /// whole cache once before any work: walking every package's path again would repeat that I/O for each package.
    /// </summary>
    internal async Task<string> EnsureExtractedUnderLockAsync(CacheEntry entry, CancellationToken cancellationToken)
    {
        var digest = entry.PackageDigest;
        var target = PluginDirectoryFor(entry.Id, entry.Version, digest);
        if (Directory.Exists(target))
        {
            return target;
        }

        var local = Blobs.LocalPathOf(digest);
        string? copy = null;
        if (local is null || !File.Exists(local))
        {
            if (local is not null)
            {
                throw new FileNotFoundException($"Plugin {entry.Id} {entry.Version} ({digest}) from source '{entry.Source}' is in the cache index but its package is missing ('{local}'). Run a sync to fetch it again.", local);
            }

            copy = Path.Combine(TempDirectory, $"extract-{Guid.NewGuid():N}{PackageFormat.Extension}");
            Directory.CreateDirectory(TempDirectory);
            await Blobs.CopyToAsync(digest, copy, cancellationToken).ConfigureAwait(false);
            local = copy;
        }

        try
        {
            await PackageExtractor.ExtractAsync(local, target, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (PackageException ex) when (ex.Kind == PackageErrorKind.TargetExists)
        {
            // Extracted by another process meanwhile: the same bytes, so use it.
        }
        finally
        {
            if (copy is not null)
            {
                AtomicFile.TryDelete(copy);
                AtomicFile.TryDelete(PackageFormat.SignaturePathFor(copy));
            }
        }

        return target;
    }

    /// <summary>
    /// Removes packages and extracted folders that no index entry references, and leftovers of interrupted
    /// syncs. Waits for a running sync to finish first, also for a dry run: a running sync's files would
    /// otherwise be listed as leftovers.
    /// </summary>
    /// <param name="dryRun">List what would be removed without removing anything.</param>
    /// <param name="cancellationToken">Stops waiting for the cache lock and stops the listing.</param>
    public async Task<GarbageCollectionResult> CollectGarbageAsync(bool dryRun = false, CancellationToken cancellationToken = default)
    {
        using var cacheLock = await CacheDirectoryLock.AcquireAsync(CacheDirectory, cancellationToken).ConfigureAwait(false);
        EnsureNoLinks();
        var items = await FindGarbageLockedAsync(cancellationToken).ConfigureAwait(false);
        if (!dryRun)
        {
            await RemoveGarbageLockedAsync(items, cancellationToken).ConfigureAwait(false);
        }

        return new GarbageCollectionResult(items, dryRun);
    }

    /// <summary>
    /// Everything garbage collection removes, found without removing anything; the caller holds the cache lock, so no
    /// sync is writing and every temporary file found is dead. Both a dry run and a real run use this one list.
    /// </summary>
    private async Task<IReadOnlyList<GarbageItem>> FindGarbageLockedAsync(CancellationToken cancellationToken)
    {
        var index = await Index.ReadAsync(cancellationToken).ConfigureAwait(false);
        var entries = index.Entries.ToList();
        var referenced = entries.Select(e => e.Digest).ToHashSet(StringComparer.Ordinal);
        var items = new List<GarbageItem>();

        var unreferenced = new List<PackageDigest>();
        await foreach (var digest in Blobs.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!referenced.Contains(digest.Value))
            {
                unreferenced.Add(digest);
            }
        }

        foreach (var digest in unreferenced.OrderBy(d => d.Value, StringComparer.Ordinal))
        {
            var bytes = Blobs.LocalPathOf(digest) is { } path && File.Exists(path) ? new FileInfo(path).Length : 0;
            items.Add(new GarbageItem(GarbageKind.Package, digest.Value, bytes));
        }

        var keep = entries.Select(e => Path.GetFullPath(PluginDirectoryFor(e.Id, e.Version, e.PackageDigest))).ToHashSet(StringComparer.Ordinal);
        if (Directory.Exists(PluginsDirectory))
        {
            foreach (var versionFolder in Directory.EnumerateDirectories(PluginsDirectory).SelectMany(Directory.EnumerateDirectories).Order(StringComparer.Ordinal))
            {
                if (!keep.Contains(Path.GetFullPath(versionFolder)))
                {
                    items.Add(new GarbageItem(GarbageKind.PluginDirectory, Path.GetFullPath(versionFolder), 0));
                }
            }
        }

        // Files a killed sync was writing when it stopped.
        var interrupted = new List<string>();
        if (Blobs is FileSystemBlobStore blobFolder)
        {
            interrupted.AddRange(blobFolder.FindInterruptedWrites());
        }

        if (Index is FileSystemCacheIndexStore indexFile)
        {
            interrupted.AddRange(AtomicFile.FindInterruptedWrites(indexFile.Path));
        }

        interrupted.AddRange(AtomicFile.FindInterruptedWrites(Path.Combine(CacheDirectory, PlugboardSourcesOptions.DefaultLockFileName)));
        items.AddRange(interrupted.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal).Select(file => new GarbageItem(GarbageKind.InterruptedWrite, file, SizeOf(file))));

        if (Directory.Exists(TempDirectory))
        {
            foreach (var leftover in Directory.EnumerateFileSystemEntries(TempDirectory).Order(StringComparer.Ordinal))
            {
                items.Add(new GarbageItem(GarbageKind.SyncLeftover, Path.GetFullPath(leftover), SizeOf(leftover)));
            }
        }

        return items;
    }

    private async Task RemoveGarbageLockedAsync(IReadOnlyList<GarbageItem> items, CancellationToken cancellationToken)
    {
        foreach (var item in items)
        {
            switch (item.Kind)
            {
                case GarbageKind.Package:
                    await Blobs.DeleteAsync(PackageDigest.Parse(item.Location), cancellationToken).ConfigureAwait(false);
                    break;
                case GarbageKind.PluginDirectory:
                    // Renamed aside before deleting: extraction takes an existing folder as complete, so a folder cut
                    // short by a kill must never stay under a name a later sync of the same version would reuse.
                    AtomicFile.TryDeleteDirectoryAtomically(item.Location);
                    break;
                case GarbageKind.InterruptedWrite:
                    AtomicFile.TryDelete(item.Location);
                    break;
                case GarbageKind.SyncLeftover when Directory.Exists(item.Location):
                    AtomicFile.TryDeleteDirectory(item.Location);
                    break;
                case GarbageKind.SyncLeftover:
                    AtomicFile.TryDelete(item.Location);
                    break;
            }
        }

        // Housekeeping of the folders that held the items: an id folder with no version left, and the emptied tmp folder.
        if (Directory.Exists(PluginsDirectory))
        {
            foreach (var idFolder in Directory.EnumerateDirectories(PluginsDirectory).ToList())
            {
                if (!Directory.EnumerateFileSystemEntries(idFolder).Any())
                {
                    AtomicFile.TryDeleteDirectory(idFolder);
                }
            }
        }

        if (Directory.Exists(TempDirectory) && !Directory.EnumerateFileSystemEntries(TempDirectory).Any())
        {
            AtomicFile.TryDeleteDirectory(TempDirectory);
        }
    }

    private static long SizeOf(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}

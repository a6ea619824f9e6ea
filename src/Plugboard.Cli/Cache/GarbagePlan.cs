using Plugboard.Packaging;
using Plugboard.Sources.Cache;

namespace Plugboard.Cli.Cache;

/// <summary>
/// What <see cref="CacheStore.CollectGarbageAsync"/> would remove, found by the same rule without removing
/// anything: packages no index entry references, and extracted folders that are not the folder of an entry.
/// </summary>
internal sealed record GarbagePlan(GarbageCollectionResult Result, IReadOnlyList<string> Items)
{
    public static async Task<GarbagePlan> ComputeAsync(CacheStore cache, CancellationToken cancellationToken)
    {
        var index = await cache.ReadIndexAsync(cancellationToken);
        var entries = index.Entries.ToList();
        var referenced = entries.Select(e => e.Digest).ToHashSet(StringComparer.Ordinal);
        var items = new List<string>();
        var blobs = 0;
        long bytes = 0;
        await foreach (var digest in cache.Blobs.ListAsync(cancellationToken))
        {
            if (referenced.Contains(digest.Value))
            {
                continue;
            }

            blobs++;
            var path = cache.Blobs.LocalPathOf(digest);
            if (path is not null && File.Exists(path))
            {
                bytes += new FileInfo(path).Length;
            }

            items.Add($"package {digest}");
        }

        var keep = entries.Select(e => Path.GetFullPath(cache.PluginDirectoryFor(e.Id, e.Version, PackageDigest.Parse(e.Digest)))).ToHashSet(StringComparer.Ordinal);
        var folders = 0;
        if (Directory.Exists(cache.PluginsDirectory))
        {
            foreach (var folder in Directory.EnumerateDirectories(cache.PluginsDirectory).SelectMany(Directory.EnumerateDirectories).Order(StringComparer.Ordinal))
            {
                if (!keep.Contains(Path.GetFullPath(folder)))
                {
                    folders++;
                    items.Add($"folder {Path.GetRelativePath(cache.CacheDirectory, folder)}");
                }
            }
        }

        return new GarbagePlan(new GarbageCollectionResult(blobs, folders, bytes), items);
    }
}

using Microsoft.Extensions.Options;
using Plugboard.Packaging;
using Plugboard.Server.Configuration;
using Plugboard.Sources.Cache;

namespace Plugboard.Server.Catalog;

/// <summary>The center's package cache (<c>{data}/cache</c>): the same content-addressed cache Plugboard.Sources syncs into.</summary>
public sealed class CenterCache(IOptions<CenterOptions> options)
{
    /// <summary>The cache folder.</summary>
    public string Directory { get; } = Path.Combine(options.Value.DataDirectory, "cache");

    /// <summary>The cache's lock file: where synced and uploaded packages are locked to their digests.</summary>
    public string LockFile => Path.Combine(Directory, Plugboard.Sources.Configuration.PlugboardSourcesOptions.DefaultLockFileName);

    /// <summary>The cache.</summary>
    public CacheStore Store => field ??= new CacheStore(Directory);

    /// <summary>The extracted folder of a package version, extracting it from its blob first when needed.</summary>
    public Task<string> ExtractAsync(string origin, string pluginId, string version, string digest, CancellationToken cancellationToken) =>
        Store.EnsureExtractedAsync(
            new CacheEntry { Source = origin, Set = string.Empty, Id = pluginId, Version = version, Digest = PackageDigest.Parse(digest).Value, Origin = origin, Fingerprint = digest, Included = true },
            cancellationToken);
}

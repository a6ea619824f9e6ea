using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NuGet.Versioning;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources;

namespace Plugboard.Sources.Resolution;

/// <summary>
/// Chooses, from the cache alone (no network), the version of each plugin to load: the highest version its
/// plugin set allows, from the first configured source offering it when two offer the same version. A
/// plugin whose files cannot be had from the cache is logged and left out; the others still resolve.
/// </summary>
public sealed class CachedPluginResolver
{
    private readonly CacheStore _cache;
    private readonly PlugboardSourcesOptions? _options;
    private readonly ILogger _logger;

    /// <summary>Creates a resolver over <paramref name="cache"/>; with <paramref name="options"/>, only configured sources and sets count, with their current ranges.</summary>
    public CachedPluginResolver(CacheStore cache, PlugboardSourcesOptions? options = null, ILogger<CachedPluginResolver>? logger = null)
    {
        _cache = cache;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Creates a resolver from options (for dependency injection).</summary>
    public CachedPluginResolver(CacheStore cache, IOptions<PlugboardSourcesOptions> options, ILogger<CachedPluginResolver> logger)
        : this(cache, options.Value, logger)
    {
    }

    /// <summary>The plugins to load, ordered by id.</summary>
    public async Task<IReadOnlyList<ResolvedPlugin>> ResolveAsync(CancellationToken cancellationToken = default)
    {
        var index = await _cache.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var candidates = new List<(CacheEntry Entry, NuGetVersion Version, int Order)>();
        var order = 0;
        foreach (var record in Ordered(index))
        {
            var sets = Sets(record.Name);
            foreach (var entry in record.Packages.Where(p => p.Included))
            {
                var version = NuGetVersion.Parse(entry.Version);
                if (sets is null || (sets.TryGetValue(entry.Set, out var set) && set.Takes(entry.Id, version)))
                {
                    candidates.Add((entry, version, order));
                }
            }

            order++;
        }

        var resolved = new List<ResolvedPlugin>();
        foreach (var plugin in candidates.GroupBy(c => c.Entry.Id, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            foreach (var (entry, version, _) in plugin.OrderByDescending(c => c.Version, VersionComparer.Default).ThenBy(c => c.Order))
            {
                try
                {
                    var directory = await _cache.EnsureExtractedAsync(entry, cancellationToken).ConfigureAwait(false);
                    resolved.Add(new ResolvedPlugin(entry.Id, version, entry.PackageDigest, directory, entry.Source, entry.Set));
                    break;
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Plugboard.Packaging.PackageException)
                {
                    _logger.LogError(ex, "Plugin {PluginId} {Version} from source {Source} cannot be loaded from the cache: {Error}. Trying an older cached version.", entry.Id, entry.Version, entry.Source, ex.Message);
                }
            }
        }

        return resolved;
    }

    private IEnumerable<SourceRecord> Ordered(CacheIndex index)
    {
        if (_options is null)
        {
            return index.Sources;
        }

        return _options.Sources.Select(s => index.Find(s.Name)).OfType<SourceRecord>();
    }

    private Dictionary<string, PluginSet>? Sets(string sourceName)
    {
        var source = _options?.Sources.FirstOrDefault(s => string.Equals(s.Name, sourceName, StringComparison.OrdinalIgnoreCase));
        if (source is null)
        {
            return null;
        }

        try
        {
            return PluginSet.FromOptions(source).ToDictionary(s => s.Key, StringComparer.Ordinal);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

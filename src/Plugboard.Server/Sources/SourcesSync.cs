using Plugboard.Sources.Providers;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources;
using Plugboard.Sources.S3;
using Plugboard.Sources.Sync;

namespace Plugboard.Server.Sources;

/// <summary>
/// The center's one adapter onto Plugboard.Sources: checks source definitions and syncs one source into the
/// center's cache with the existing sync (fetch → verify digest, signature, manifest → commit), then reads back
/// what the cache holds for it.
/// </summary>
public sealed class SourcesSync(ILoggerFactory loggers)
{
    /// <summary>The source types the center syncs: fs, git and http (built in) and s3 (Plugboard.Sources.S3).</summary>
    public static IReadOnlyList<IPluginSourceProvider> Providers { get; } = [.. PluginSourceProviders.BuiltIn, new S3SourceProvider()];

    /// <summary>Every problem of <paramref name="sources"/> (each names the source and field); empty when valid.</summary>
    public static IReadOnlyList<string> Check(string cacheDirectory, IReadOnlyList<SourceOptions> sources) =>
        PlugboardSourcesOptionsValidator.Check(Options(cacheDirectory, sources), Providers);

    /// <summary>
    /// Syncs <paramref name="name"/> among <paramref name="sources"/> into <paramref name="cache"/> (the center's cache: its
    /// folder, or the bucket replicas share); returns its result and the packages the cache holds for it.
    /// </summary>
    /// <exception cref="SourceConfigurationException">The sources are invalid; every problem is listed.</exception>
    public async Task<(SourceSyncResult Result, IReadOnlyList<CacheEntry> Packages)> SyncAsync(
        CacheStore cache, IReadOnlyList<SourceOptions> sources, string name, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var options = Options(cache.CacheDirectory, sources);
        if (PlugboardSourcesOptionsValidator.Check(options, Providers) is { Count: > 0 } errors)
        {
            throw new SourceConfigurationException(errors);
        }

        var runner = new SyncRunner(options, cache, Providers, loggers);
        var run = await runner.SyncAsync(new SyncOptions { Sources = [name] }, progress, cancellationToken).ConfigureAwait(false);
        var index = await runner.Cache.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var packages = index.Find(name)?.Packages.Where(p => p.Included).ToList() ?? [];
        return (run[name], packages);
    }

    private static PlugboardSourcesOptions Options(string cacheDirectory, IReadOnlyList<SourceOptions> sources) => new()
    {
        CacheDirectory = cacheDirectory,
        Sources = [.. sources],
        SyncInterval = TimeSpan.Zero,
        SyncOnStart = false,
    };
}

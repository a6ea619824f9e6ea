using Plugboard.Sources.Providers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NuGet.Versioning;
using Plugboard.Packaging;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Locking;
using Plugboard.Sources;

namespace Plugboard.Sources.Sync;

/// <summary>
/// Syncs sources into the cache: lists each source, fetches only new or changed packages, verifies their
/// digest, signature (where the source requires one), manifest and lock entry, then commits the source
/// atomically (blobs, extracted folders, lock, and last the index). A failing source is recorded and
/// leaves its previous cache state; the others go on. Every run is appended to the run log.
/// </summary>
public sealed class SyncRunner
{
    private readonly PlugboardSourcesOptions _options;
    private readonly IReadOnlyList<IPluginSourceProvider> _providers;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SourcePlanner _planner;
    private readonly CacheCommit _commit;

    /// <summary>Creates a runner for <paramref name="options"/> over <paramref name="cache"/>.</summary>
    /// <param name="options">The sources configuration.</param>
    /// <param name="cache">The cache to commit to.</param>
    /// <param name="providers">The source types; the built-in ones (fs, git, http) when null.</param>
    /// <param name="loggerFactory">Where to log; nowhere when null.</param>
    /// <param name="time">The clock for timeouts, the cache lock wait and run times; the system's when null.</param>
    public SyncRunner(PlugboardSourcesOptions options, CacheStore cache, IEnumerable<IPluginSourceProvider>? providers = null, ILoggerFactory? loggerFactory = null, TimeProvider? time = null)
    {
        _options = options;
        Cache = cache;
        _providers = providers?.ToList() is { Count: > 0 } list ? list : PluginSourceProviders.BuiltIn;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<SyncRunner>();
        _time = time ?? TimeProvider.System;
        _planner = new SourcePlanner(cache, new PackageFetcher(cache, _time), _time);
        _commit = new CacheCommit(cache);
    }

    /// <summary>Creates a runner from options (for dependency injection).</summary>
    public SyncRunner(IOptions<PlugboardSourcesOptions> options, CacheStore cache, IEnumerable<IPluginSourceProvider> providers, ILoggerFactory loggerFactory, TimeProvider time)
        : this(options.Value, cache, providers, loggerFactory, time)
    {
    }

    /// <summary>The cache synced into.</summary>
    public CacheStore Cache { get; }

    /// <summary>Creates a runner over the file-system cache of <paramref name="options"/>, for tools and benchmarks.</summary>
    /// <exception cref="SourceConfigurationException">The options are invalid; every problem is listed.</exception>
    public static SyncRunner Create(PlugboardSourcesOptions options, ILoggerFactory? loggerFactory = null, IEnumerable<IPluginSourceProvider>? providers = null)
    {
        var all = providers?.ToList() is { Count: > 0 } list ? list : [.. PluginSourceProviders.BuiltIn];
        var errors = PlugboardSourcesOptionsValidator.Check(options, all);
        if (errors.Count > 0)
        {
            throw new SourceConfigurationException(errors);
        }

        return new SyncRunner(options, new CacheStore(options.CacheDirectory), all, loggerFactory);
    }

    /// <summary>Syncs the sources chosen by <paramref name="syncOptions"/> (all by default).</summary>
    /// <exception cref="SourceConfigurationException">The configuration is invalid, or names an unknown source.</exception>
    public async Task<SyncRun> SyncAsync(SyncOptions? syncOptions = null, IProgress<SyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        syncOptions ??= SyncOptions.Default;
        var errors = PlugboardSourcesOptionsValidator.Check(_options, _providers);
        if (errors.Count > 0)
        {
            throw new SourceConfigurationException(errors);
        }

        var selected = Select(syncOptions);
        var started = _time.GetUtcNow();
        var clock = _time.GetTimestamp();
        var runId = $"{started:yyyyMMddTHHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}";
        var results = new List<SourceSyncResult>();

        using (await CacheDirectoryLock.AcquireAsync(Cache.CacheDirectory, _options.CacheLockTimeout, _logger, _time, cancellationToken).ConfigureAwait(false))
        {
            // Before anything is written or deleted: a link planted in the cache would send it elsewhere.
            Cache.EnsureNoLinks();

            // What killed syncs fetched into their work folders or left half extracted would otherwise stay until a garbage collection.
            Cache.DeleteStaleWorkFolders();
            Cache.DeleteStaleStagingFolders(TimeSpan.FromMinutes(1), _time.GetUtcNow());
            var lockFile = await PluginLockFile.LoadAsync(_options.ResolvedLockFile, cancellationToken).ConfigureAwait(false);
            var relocked = Relock(lockFile, syncOptions.Relock);
            var index = await Cache.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            if (syncOptions.Sources is null)
            {
                index = await DropUnconfiguredAsync(index, cancellationToken).ConfigureAwait(false);
            }

            var workRoot = Path.Combine(Cache.TempDirectory, runId);
            try
            {
                foreach (var options in selected)
                {
                    var (result, updated) = await SyncSourceAsync(options, index, lockFile, workRoot, syncOptions.AllowDowngrade, progress, cancellationToken).ConfigureAwait(false);
                    index = updated;
                    results.Add(result);
                }

                if (relocked && results.All(r => r.Status == SourceSyncStatus.Ok))
                {
                    // Entries re-locked but not seen again stay removed only when asked; keep the file consistent.
                    await lockFile.SaveAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                AtomicFile.TryDeleteDirectory(workRoot);
            }
        }

        var run = new SyncRun { Id = runId, StartedAt = started, Duration = _time.GetElapsedTime(clock), Sources = results };
        try
        {
            await SyncRunLog.AppendAsync(Cache.CacheDirectory, run, CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            _logger.LogWarning(ex, "Sync run {RunId} could not be recorded in {Path}.", runId, SyncRunLog.PathFor(Cache.CacheDirectory));
        }

        return run;
    }

    private List<SourceOptions> Select(SyncOptions syncOptions)
    {
        if (syncOptions.Sources is null)
        {
            return _options.Sources;
        }

        var unknown = syncOptions.Sources.Where(n => !_options.Sources.Any(s => string.Equals(s.Name, n, StringComparison.OrdinalIgnoreCase))).ToList();
        if (unknown.Count > 0)
        {
            throw new SourceConfigurationException([.. unknown.Select(n => $"No source is named '{n}'; configured sources: {string.Join(", ", _options.Sources.Select(s => s.Name))}.")]);
        }

        return [.. _options.Sources.Where(s => syncOptions.Sources.Contains(s.Name, StringComparer.OrdinalIgnoreCase))];
    }

    private static bool Relock(PluginLockFile lockFile, IReadOnlyCollection<string> relock)
    {
        var changed = false;
        foreach (var item in relock)
        {
            var at = item.IndexOf('@', StringComparison.Ordinal);
            changed |= at > 0 ? lockFile.Unlock(item[..at], item[(at + 1)..]) : lockFile.Unlock(item);
        }

        return changed;
    }

    private async Task<CacheIndex> DropUnconfiguredAsync(CacheIndex index, CancellationToken cancellationToken)
    {
        var gone = index.Sources.Where(r => !_options.Sources.Any(s => string.Equals(s.Name, r.Name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (gone.Count == 0)
        {
            return index;
        }

        foreach (var record in gone)
        {
            _logger.LogInformation("Source {Source} is no longer configured; its entries leave the cache index.", record.Name);
            index = index.Without(record.Name);
        }

        await Cache.Index.WriteAsync(index, cancellationToken).ConfigureAwait(false);
        return index;
    }

    private async Task<(SourceSyncResult Result, CacheIndex Index)> SyncSourceAsync(
        SourceOptions options, CacheIndex index, PluginLockFile lockFile, string workRoot, bool allowDowngrade, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var clock = _time.GetTimestamp();
        var previous = index.Find(options.Name);
        var listing = (SourceListing?)null;
        var fetched = 0;
        try
        {
            progress?.Report(new SyncProgress(options.Name, SyncStage.Listing, 0, 0));
            var provider = _providers.First(p => string.Equals(p.Type, options.Type, StringComparison.OrdinalIgnoreCase));
            var stateDirectory = Path.Combine(Cache.CacheDirectory, "sources", options.Name.ToLowerInvariant());
            var source = provider.Create(options, new SourceContext(Cache.CacheDirectory, stateDirectory, _loggerFactory)
            {
                Downloads = new Transport.DownloadBudget(options.Name, options.MaxDownloadBytes),
            });
            try
            {
                var workDirectory = Path.Combine(workRoot, options.Name.ToLowerInvariant());
                Directory.CreateDirectory(workDirectory);
                listing = await PackageFetcher.WithinTimeoutAsync(options, "listing", ct => source.ListAsync(workDirectory, ct), _time, cancellationToken).ConfigureAwait(false);
                var plan = await _planner.PlanAsync(options, source, listing, previous, lockFile, workDirectory, allowDowngrade, progress, cancellationToken).ConfigureAwait(false);
                fetched = plan.Fetched;

                progress?.Report(new SyncProgress(options.Name, SyncStage.Committing, listing.Packages.Count, listing.Packages.Count));
                var updated = await _commit.ApplyAsync(plan, index, lockFile, cancellationToken).ConfigureAwait(false);
                var (added, changed, unchanged, removed) = Count(previous, plan.Record);
                progress?.Report(new SyncProgress(options.Name, SyncStage.Succeeded, listing.Packages.Count, listing.Packages.Count));
                _logger.LogInformation(
                    "Source {Source} synced: {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed, {Fetched} packages fetched, in {Duration} ms.",
                    options.Name, added, changed, unchanged, removed, fetched, (long)_time.GetElapsedTime(clock).TotalMilliseconds);
                return (new SourceSyncResult
                {
                    Source = options.Name,
                    Status = SourceSyncStatus.Ok,
                    Added = added,
                    Updated = changed,
                    Unchanged = unchanged,
                    Removed = removed,
                    PackagesFetched = fetched,
                    RemoteFetches = listing.RemoteFetches,
                    Revision = listing.Revision,
                    Duration = _time.GetElapsedTime(clock),
                }, updated);
            }
            finally
            {
                if (source is IAsyncDisposable asyncDisposable)
                {
                    await asyncDisposable.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    (source as IDisposable)?.Dispose();
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var message = ex is SourceException or LockConflictException or SourceConfigurationException
                ? ex.Message
                : $"Source '{options.Name}': {ex.Message}";
            // An expected failure (unreachable, refused package, lock conflict) says all in its message: no stack trace for operators.
            var expected = ex is SourceException or LockConflictException or SourceConfigurationException;
            _logger.LogError(expected ? null : ex, "Source {Source} failed to sync; its previous cache state is kept. {Error}", options.Name, message);
            progress?.Report(new SyncProgress(options.Name, SyncStage.Failed, 0, listing?.Packages.Count ?? 0, message));
            return (new SourceSyncResult
            {
                Source = options.Name,
                Status = SourceSyncStatus.Failed,
                PackagesFetched = fetched,
                RemoteFetches = listing?.RemoteFetches ?? 0,
                Revision = listing?.Revision,
                Duration = _time.GetElapsedTime(clock),
                Error = message,
            }, index);
        }
    }

    private static (int Added, int Updated, int Unchanged, int Removed) Count(SourceRecord? previous, SourceRecord current)
    {
        static Dictionary<(string, string), string> Plugins(SourceRecord? record) => (record?.Packages ?? [])
            .Where(p => p.Included)
            .GroupBy(p => (p.Set, p.Id))
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(p => p.Version + "=" + p.Digest).Order(StringComparer.Ordinal)));

        var before = Plugins(previous);
        var after = Plugins(current);
        var added = after.Keys.Count(k => !before.ContainsKey(k));
        var removed = before.Keys.Count(k => !after.ContainsKey(k));
        var updated = after.Count(p => before.TryGetValue(p.Key, out var old) && old != p.Value);
        var unchanged = after.Count(p => before.TryGetValue(p.Key, out var old) && old == p.Value);
        return (added, updated, unchanged, removed);
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using NuGet.Versioning;
using Plugboard.Packaging;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Locking;
using Plugboard.Sources.Sources;

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

    /// <summary>Creates a runner for <paramref name="options"/> over <paramref name="cache"/>.</summary>
    /// <param name="options">The sources configuration.</param>
    /// <param name="cache">The cache to commit to.</param>
    /// <param name="providers">The source types; the built-in ones (fs, git, http) when null.</param>
    /// <param name="loggerFactory">Where to log; nowhere when null.</param>
    public SyncRunner(PlugboardSourcesOptions options, CacheStore cache, IEnumerable<IPluginSourceProvider>? providers = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options;
        Cache = cache;
        _providers = providers?.ToList() is { Count: > 0 } list ? list : PluginSourceProviders.BuiltIn;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<SyncRunner>();
    }

    /// <summary>Creates a runner from options (for dependency injection).</summary>
    public SyncRunner(IOptions<PlugboardSourcesOptions> options, CacheStore cache, IEnumerable<IPluginSourceProvider> providers, ILoggerFactory loggerFactory)
        : this(options.Value, cache, providers, loggerFactory)
    {
    }

    /// <summary>The cache synced into.</summary>
    public CacheStore Cache { get; }

    /// <summary>Test seam: called with the name of each commit step (<c>blobs</c>, <c>extract</c>, <c>lock</c>, <c>index</c>) before it runs.</summary>
    internal Func<string, string, CancellationToken, Task>? CommitStepHook { get; set; }

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
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var runId = $"{started:yyyyMMddTHHmmssfff}-{Guid.NewGuid().ToString("N")[..8]}";
        var results = new List<SourceSyncResult>();

        using (await CacheDirectoryLock.AcquireAsync(Cache.CacheDirectory, _options.CacheLockTimeout, _logger, TimeProvider.System, cancellationToken).ConfigureAwait(false))
        {
            // Before anything is written or deleted: a link planted in the cache would send it elsewhere.
            Cache.EnsureNoLinks();

            // What killed syncs fetched into their work folders or left half extracted would otherwise stay until a garbage collection.
            Cache.DeleteStaleWorkFolders();
            Cache.DeleteStaleStagingFolders(TimeSpan.FromMinutes(1), DateTimeOffset.UtcNow);
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

        var run = new SyncRun { Id = runId, StartedAt = started, Duration = clock.Elapsed, Sources = results };
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
        var clock = Stopwatch.StartNew();
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
                listing = await WithinTimeoutAsync(options, "listing", ct => source.ListAsync(workDirectory, ct), cancellationToken).ConfigureAwait(false);
                var (packages, toStore, pendingLocks, fetchedCount) = await ExamineAsync(options, source, listing, previous, lockFile, workDirectory, allowDowngrade, progress, cancellationToken).ConfigureAwait(false);
                fetched = fetchedCount;

                progress?.Report(new SyncProgress(options.Name, SyncStage.Committing, listing.Packages.Count, listing.Packages.Count));
                var record = new SourceRecord { Name = options.Name, SyncedAt = DateTimeOffset.UtcNow, Revision = listing.Revision, Packages = packages };
                var updated = await CommitAsync(options.Name, index, record, toStore, pendingLocks, lockFile, cancellationToken).ConfigureAwait(false);
                var (added, changed, unchanged, removed) = Count(previous, record);
                progress?.Report(new SyncProgress(options.Name, SyncStage.Succeeded, listing.Packages.Count, listing.Packages.Count));
                _logger.LogInformation(
                    "Source {Source} synced: {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed, {Fetched} packages fetched, in {Duration} ms.",
                    options.Name, added, changed, unchanged, removed, fetched, clock.ElapsedMilliseconds);
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
                    Duration = clock.Elapsed,
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
            var message = ex is SourceException or LockConflictException or SourceConfigurationException or InvalidOperationException
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
                Duration = clock.Elapsed,
                Error = message,
            }, index);
        }
    }

    private async Task<(List<CacheEntry> Packages, List<(PackageDigest Digest, string Path)> ToStore, Dictionary<(string, string), (PackageDigest, string)> PendingLocks, int Fetched)> ExamineAsync(
        SourceOptions options, IPluginSource source, SourceListing listing, SourceRecord? previous, PluginLockFile lockFile, string workDirectory, bool allowDowngrade, IProgress<SyncProgress>? progress, CancellationToken cancellationToken)
    {
        var sets = source.Sets.ToDictionary(s => s.Key, StringComparer.Ordinal);
        var known = new Dictionary<(string, string, string), CacheEntry>();
        foreach (var entry in previous?.Packages ?? [])
        {
            known.TryAdd((entry.Set, entry.Origin, entry.Fingerprint), entry);
        }

        var trust = string.IsNullOrWhiteSpace(options.TrustedKeys) ? null : await TrustStore.LoadDirectoryAsync(options.TrustedKeys, cancellationToken).ConfigureAwait(false);
        var failures = new List<string>();

        // First, cheaply and in order: what is already known, what is not wanted, what must be fetched.
        var decided = new CacheEntry?[listing.Packages.Count];
        var toFetch = new List<int>();
        for (var i = 0; i < listing.Packages.Count; i++)
        {
            var candidate = listing.Packages[i];
            if (!sets.TryGetValue(candidate.SetKey, out var set))
            {
                throw new InvalidOperationException($"Source '{options.Name}' listed '{candidate.Origin}' for set '{candidate.SetKey}', which it does not have.");
            }

            if (known.TryGetValue((candidate.SetKey, candidate.Origin, candidate.Fingerprint), out var seen))
            {
                var included = set.Takes(seen.Id, NuGetVersion.Parse(seen.Version));
                var usable = !included
                    || (await Cache.Blobs.ExistsAsync(seen.PackageDigest, cancellationToken).ConfigureAwait(false)
                        && (!options.RequireSignature || (seen.SignatureKeyId is not null && trust is not null && trust.TryGetKey(seen.SignatureKeyId, out _))));
                if (usable)
                {
                    decided[i] = seen with { Source = options.Name, Included = included };
                    continue;
                }
            }

            if (candidate.ClaimedId is not null && candidate.ClaimedVersion is not null
                && NuGetVersion.TryParse(candidate.ClaimedVersion, out var claimed) && !set.Takes(candidate.ClaimedId, claimed))
            {
                // Not wanted: nothing to fetch. Recorded only when the source also says which bytes it is.
                if (candidate.ExpectedDigest is not null)
                {
                    decided[i] = new CacheEntry
                    {
                        Source = options.Name, Set = set.Key, Id = candidate.ClaimedId, Version = claimed.ToFullString(), Digest = candidate.ExpectedDigest.Value,
                        Origin = candidate.Origin, Fingerprint = candidate.Fingerprint, Included = false,
                    };
                }

                continue;
            }

            toFetch.Add(i);
        }

        // Then fetch, pack and verify what is new, a few at a time: this is where a first sync spends its time.
        var verified = new (CacheEntry Entry, string? Path)?[listing.Packages.Count];
        var errors = new string?[listing.Packages.Count];
        var fetched = 0;
        var done = listing.Packages.Count - toFetch.Count;
        await Parallel.ForEachAsync(
            toFetch,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 2, 8), CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var candidate = listing.Packages[i];
                try
                {
                    var (result, didFetch) = await FetchAndVerifyAsync(options, candidate, sets[candidate.SetKey], trust, workDirectory, ct).ConfigureAwait(false);
                    verified[i] = result;
                    if (didFetch)
                    {
                        Interlocked.Increment(ref fetched);
                    }
                }
                catch (Exception ex) when (ex is SourceException or PackageException)
                {
                    errors[i] = ex.Message;
                }

                progress?.Report(new SyncProgress(options.Name, SyncStage.Fetching, Interlocked.Increment(ref done), listing.Packages.Count, candidate.Origin));
            }).ConfigureAwait(false);

        // Last, in order again: duplicates and the lock.
        var packages = new List<CacheEntry>();
        var toStore = new List<(PackageDigest, string)>();
        var pending = new Dictionary<(string, string), (PackageDigest, string)>();
        var taken = new HashSet<(string, string, string)>();
        for (var i = 0; i < listing.Packages.Count; i++)
        {
            if (errors[i] is { } error)
            {
                failures.Add(error);
                continue;
            }

            var entry = decided[i] ?? verified[i]?.Entry;
            if (entry is null)
            {
                continue;
            }

            if (entry.Included)
            {
                if (!taken.Add((entry.Set, entry.Id, entry.Version)) && packages.Any(p => p.Included && p.Set == entry.Set && p.Id == entry.Id && p.Version == entry.Version && p.Digest == entry.Digest))
                {
                    continue;
                }

                try
                {
                    CheckLock(lockFile, pending, entry);
                }
                catch (Exception ex) when (ex is LockConflictException or SourceException)
                {
                    failures.Add(ex.Message);
                    continue;
                }

                if (verified[i]?.Path is { } path)
                {
                    toStore.Add((entry.PackageDigest, path));
                }
            }

            packages.Add(entry);
        }

        if (!allowDowngrade)
        {
            failures.AddRange(FindRollbacks(options.Name, sets, previous, packages));
        }

        if (failures.Count > 0)
        {
            var list = string.Join(Environment.NewLine, failures.Select(f => "  - " + f));
            throw new SourceException(options.Name, $"Source '{options.Name}': {failures.Count} package(s) refused; the source's previous cache state is kept:{Environment.NewLine}{list}");
        }

        return (packages, toStore, pending, fetched);
    }

    /// <summary>
    /// A plugin whose highest version offered by a set drops below the highest it had is a rollback (a source replacing
    /// 1.1.0 by 1.0.0): refused, naming both versions, unless the set pins versions explicitly (then the operator chose).
    /// </summary>
    private static IEnumerable<string> FindRollbacks(string sourceName, Dictionary<string, PluginSet> sets, SourceRecord? previous, List<CacheEntry> packages)
    {
        static Dictionary<(string Set, string Id), NuGetVersion> Highest(IEnumerable<CacheEntry> entries) => entries
            .Where(e => e.Included)
            .GroupBy(e => (e.Set, e.Id))
            .ToDictionary(g => g.Key, g => g.Select(e => NuGetVersion.Parse(e.Version)).Max()!);

        var before = Highest(previous?.Packages ?? []);
        foreach (var ((setKey, id), version) in Highest(packages).OrderBy(p => p.Key.Id, StringComparer.Ordinal))
        {
            if (before.TryGetValue((setKey, id), out var had) && version < had
                && !(sets.TryGetValue(setKey, out var set) && set.Versions is not null && set.Versions.Satisfies(version)))
            {
                yield return $"Source '{sourceName}' now offers {id} {version.ToFullString()} at most (set '{setKey}'), but the cache has {id} {had.ToFullString()} from it: " +
                    "a rollback, refused. If it is intended, pin the version in the set (Sets:Version) or sync once with --allow-downgrade (SyncOptions.AllowDowngrade).";
            }
        }
    }

    private static void CheckLock(PluginLockFile lockFile, Dictionary<(string, string), (PackageDigest Digest, string Origin)> pending, CacheEntry entry)
    {
        var digest = entry.PackageDigest;
        var locked = lockFile.Find(entry.Id, entry.Version);
        if (locked is not null && locked != digest)
        {
            throw new LockConflictException(entry.Id, entry.Version, locked, digest, $"source '{entry.Source}' ({entry.Origin})", lockFile.Path);
        }

        if (pending.TryGetValue((entry.Id, entry.Version), out var first) && first.Digest != digest)
        {
            // Not a lock conflict: nothing is locked yet, and re-locking would not help. The source is inconsistent.
            throw new SourceException(
                entry.Source,
                $"Source '{entry.Source}' offers two different packages for {entry.Id} {entry.Version}: '{first.Origin}' ({first.Digest}) and '{entry.Origin}' ({digest}). " +
                "One id and version must name one package: remove one of them from the source, or give it another version.");
        }

        if (locked is null)
        {
            pending.TryAdd((entry.Id, entry.Version), (digest, entry.Origin));
        }
    }

    private async Task<((CacheEntry Entry, string? PackagePath) Verified, bool Fetched)> FetchAndVerifyAsync(
        SourceOptions options, SourcePackage candidate, PluginSet set, TrustStore? trust, string workDirectory, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(workDirectory, "packages", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "package" + PackageFormat.Extension);
        var fetched = false;

        // A digest the source publishes and the cache already holds needs no download: verify the cached bytes.
        if (candidate.ExpectedDigest is { } expected && await Cache.Blobs.ExistsAsync(expected, cancellationToken).ConfigureAwait(false) && !options.RequireSignature)
        {
            await Cache.Blobs.CopyToAsync(expected, path, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            try
            {
                await WithinTimeoutAsync(options, $"fetching {candidate.Origin}", async ct => { await candidate.FetchAsync(path, ct).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                // A refused or broken fetch leaves nothing behind, not even until the end of the sync.
                AtomicFile.TryDeleteDirectory(folder);
                throw;
            }

            fetched = true;
        }

        var verification = await PackageVerifier.VerifyAsync(
            path,
            new VerificationOptions { ExpectedDigest = candidate.ExpectedDigest, RequireSignature = options.RequireSignature, TrustStore = trust },
            cancellationToken).ConfigureAwait(false);
        if (!verification.IsValid)
        {
            var problems = string.Join("; ", verification.Problems.Select(p => p.Message.Replace(path, candidate.Origin, StringComparison.Ordinal)));
            throw new SourceException(options.Name, $"{candidate.Origin}: {problems}");
        }

        var manifest = verification.Manifest!;
        var version = manifest.Version.ToFullString();
        if ((candidate.ClaimedId is not null && candidate.ClaimedId != manifest.Id)
            || (candidate.ClaimedVersion is not null && candidate.ClaimedVersion != version))
        {
            throw new SourceException(options.Name, $"{candidate.Origin}: the source lists it as {candidate.ClaimedId} {candidate.ClaimedVersion}, but its manifest says {manifest.Id} {version}. Fix the source's index.");
        }

        var entry = new CacheEntry
        {
            Source = options.Name,
            Set = set.Key,
            Id = manifest.Id,
            Version = version,
            Digest = verification.Digest.Value,
            Origin = candidate.Origin,
            Fingerprint = candidate.Fingerprint,
            SignatureKeyId = verification.Signature == SignatureStatus.Valid ? verification.SignatureKeyId : null,
            Included = set.Takes(manifest.Id, manifest.Version),
        };
        return ((entry, path), fetched);
    }

    /// <summary>
    /// Runs one operation of a source within the source's Timeout, whatever the source does: one that ignores its
    /// token (a blocking read of a FIFO, a hung library call) is left behind and the sync of that source fails.
    /// </summary>
    private static async Task<T> WithinTimeoutAsync<T>(SourceOptions options, string what, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            return await operation(timeout.Token).WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SourceException(options.Name, $"Source '{options.Name}': {what} did not finish within its Timeout of {options.Timeout}; the previous cache state is kept. Check the source, or raise its Timeout.", ex);
        }
    }

    private async Task<CacheIndex> CommitAsync(
        string sourceName, CacheIndex index, SourceRecord record, List<(PackageDigest Digest, string Path)> toStore,
        Dictionary<(string, string), (PackageDigest Digest, string Origin)> pendingLocks, PluginLockFile lockFile, CancellationToken cancellationToken)
    {
        // Order matters: everything before the index write only adds files nothing references yet, so a
        // stop at any point leaves the previous index, and all it references, intact.
        await StepAsync(sourceName, "blobs", cancellationToken).ConfigureAwait(false);
        foreach (var (digest, path) in toStore)
        {
            await Cache.Blobs.PutAsync(digest, path, cancellationToken).ConfigureAwait(false);
        }

        await StepAsync(sourceName, "extract", cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(
            record.Packages.Where(p => p.Included),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 2, 8), CancellationToken = cancellationToken },
            async (entry, ct) => await Cache.EnsureExtractedAsync(entry, ct).ConfigureAwait(false)).ConfigureAwait(false);

        await StepAsync(sourceName, "lock", cancellationToken).ConfigureAwait(false);
        if (pendingLocks.Count > 0)
        {
            foreach (var ((id, version), (digest, origin)) in pendingLocks)
            {
                lockFile.Check(id, version, digest, origin);
            }

            await lockFile.SaveAsync(cancellationToken).ConfigureAwait(false);
        }

        await StepAsync(sourceName, "index", cancellationToken).ConfigureAwait(false);
        var updated = index.With(record);
        await Cache.Index.WriteAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }

    private Task StepAsync(string sourceName, string step, CancellationToken cancellationToken)
        => CommitStepHook?.Invoke(sourceName, step, cancellationToken) ?? Task.CompletedTask;

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

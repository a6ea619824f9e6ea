using NuGet.Versioning;
using Plugboard.Packaging;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Locking;
using Plugboard.Sources;

namespace Plugboard.Sources.Sync;

/// <summary>Planning one source's sync: from its listing to a <see cref="SourcePlan"/>, touching only the work folder.</summary>
internal sealed class SourcePlanner(CacheStore cache, PackageFetcher fetcher, TimeProvider time)
{
    private readonly CacheStore _cache = cache;
    private readonly PackageFetcher _fetcher = fetcher;
    private readonly TimeProvider _time = time;

    /// <summary>
    /// Decides what the source's listing means for the cache: what is already known (nothing to fetch), what the sets do
    /// not want, and what must be fetched; fetches and verifies those, a few at a time; then checks duplicates, the lock
    /// and rollbacks, in listing order.
    /// </summary>
    /// <exception cref="SourceException">One or more packages are refused; the message lists every one. The cache is untouched.</exception>
    public async Task<SourcePlan> PlanAsync(
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
                throw new SourceException(options.Name, $"Source '{options.Name}' listed '{candidate.Origin}' for set '{candidate.SetKey}', which it does not have: a bug of the source type '{options.Type}'.");
            }

            if (known.TryGetValue((candidate.SetKey, candidate.Origin, candidate.Fingerprint), out var seen))
            {
                var included = set.Takes(seen.Id, NuGetVersion.Parse(seen.Version));
                var usable = !included
                    || (await _cache.Blobs.ExistsAsync(seen.PackageDigest, cancellationToken).ConfigureAwait(false)
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
        var verified = new FetchedPackage?[listing.Packages.Count];
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
                    var (result, didFetch) = await _fetcher.FetchAsync(options, candidate, sets[candidate.SetKey], trust, workDirectory, ct).ConfigureAwait(false);
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
        var toStore = new List<StagedPackage>();
        var pending = new Dictionary<(string Id, string Version), PendingLock>();
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
                    toStore.Add(new StagedPackage(entry.PackageDigest, path));
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

        var record = new SourceRecord { Name = options.Name, SyncedAt = _time.GetUtcNow(), Revision = listing.Revision, Packages = packages };
        return new SourcePlan(record, toStore, pending, fetched);
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

    private static void CheckLock(PluginLockFile lockFile, Dictionary<(string Id, string Version), PendingLock> pending, CacheEntry entry)
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
            pending.TryAdd((entry.Id, entry.Version), new PendingLock(digest, entry.Origin));
        }
    }
}

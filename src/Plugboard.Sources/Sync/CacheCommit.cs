using Plugboard.Sources.Cache;
using Plugboard.Sources.Locking;

namespace Plugboard.Sources.Sync;

/// <summary>
/// Applies a <see cref="SourcePlan"/> to the cache, in the one order that keeps it consistent at every instant: blobs,
/// then extracted folders, then the lock, and last the index. Everything before the index write only adds files nothing
/// references yet, so a stop at any point leaves the previous index, and all it references, intact.
/// </summary>
internal sealed class CacheCommit(CacheStore cache)
{
    private readonly CacheStore _cache = cache;

    /// <summary>Commits <paramref name="plan"/> over <paramref name="index"/> and returns the new index.</summary>
    public async Task<CacheIndex> ApplyAsync(SourcePlan plan, CacheIndex index, PluginLockFile lockFile, CancellationToken cancellationToken)
    {
        await StoreBlobsAsync(plan, cancellationToken).ConfigureAwait(false);
        await ExtractAsync(plan, cancellationToken).ConfigureAwait(false);
        await RecordLocksAsync(plan, lockFile, cancellationToken).ConfigureAwait(false);
        return await WriteIndexAsync(plan, index, cancellationToken).ConfigureAwait(false);
    }

    private async Task StoreBlobsAsync(SourcePlan plan, CancellationToken cancellationToken)
    {
        foreach (var package in plan.Packages)
        {
            await _cache.Blobs.PutAsync(package.Digest, package.Path, cancellationToken).ConfigureAwait(false);
        }
    }

    // The sync holds the cache lock and checked the whole cache for links once before planning (CacheStore.EnsureNoLinks).
    private async Task ExtractAsync(SourcePlan plan, CancellationToken cancellationToken)
        => await Parallel.ForEachAsync(
            plan.Record.Packages.Where(p => p.Included),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Clamp(Environment.ProcessorCount, 2, 8), CancellationToken = cancellationToken },
            async (entry, ct) => await _cache.EnsureExtractedUnderLockAsync(entry, ct).ConfigureAwait(false)).ConfigureAwait(false);

    private static async Task RecordLocksAsync(SourcePlan plan, PluginLockFile lockFile, CancellationToken cancellationToken)
    {
        if (plan.Locks.Count == 0)
        {
            return;
        }

        foreach (var ((id, version), pending) in plan.Locks)
        {
            lockFile.Check(id, version, pending.Digest, pending.Origin);
        }

        await lockFile.SaveAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<CacheIndex> WriteIndexAsync(SourcePlan plan, CacheIndex index, CancellationToken cancellationToken)
    {
        var updated = index.With(plan.Record);
        await _cache.Index.WriteAsync(updated, cancellationToken).ConfigureAwait(false);
        return updated;
    }
}

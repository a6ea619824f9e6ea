using Plugboard.Server.Coordination;
using Plugboard.Sources.Cache;
using Plugboard.Sources.S3.Cache;

namespace Plugboard.Server.Catalog;

/// <summary>
/// The cache index in the bucket, as one sync sees it: a write applies only what this sync changed (the sources whose
/// records differ from what it read) to the index as it is in the bucket now, so syncs of different sources on
/// different replicas never undo each other. The write is closed against a concurrent one by a conditional PUT
/// (<c>If-Match</c> on the ETag just read) where the server honours it, and by <see cref="CacheIndexLock"/> where not;
/// a write refused because the index changed meanwhile is applied again to the newer index.
/// </summary>
internal sealed class SharedCacheIndex(
    Func<S3CacheIndexStore> open, bool conditionalWrites, CacheIndexLock indexLock, string lockName, TimeProvider time, ILogger logger) : ICacheIndexStore
{
    private const int MaxAttempts = 20;

    // The index as this sync last read or wrote it: what its next write is compared with.
    private CacheIndex _seen = CacheIndex.Empty;

    /// <inheritdoc />
    public async Task<CacheIndex> ReadAsync(CancellationToken cancellationToken)
    {
        var index = await open().ReadAsync(cancellationToken).ConfigureAwait(false);
        _seen = index;
        return index;
    }

    /// <inheritdoc />
    public async Task WriteAsync(CacheIndex index, CancellationToken cancellationToken)
    {
        var seen = _seen;
        var changed = index.Sources.Where(s => !ReferenceEquals(seen.Find(s.Name), s)).ToList();
        var removed = seen.Sources.Where(s => index.Find(s.Name) is null).Select(s => s.Name).ToList();
        for (var attempt = 1; ; attempt++)
        {
            await using (conditionalWrites ? null : await indexLock.AcquireAsync(lockName, cancellationToken).ConfigureAwait(false))
            {
                var store = open();
                var current = await store.ReadAsync(cancellationToken).ConfigureAwait(false);
                var merged = removed.Aggregate(current, (i, name) => i.Without(name));
                merged = changed.Aggregate(merged, (i, record) => i.With(record));
                try
                {
                    await store.WriteAsync(merged, cancellationToken).ConfigureAwait(false);
                    _seen = index;
                    return;
                }
                catch (S3IndexConflictException ex) when (attempt < MaxAttempts)
                {
                    logger.LogInformation("The shared cache index changed while this replica wrote it (attempt {Attempt}); applying {Sources} to the newer index: {Reason}",
                        attempt, string.Join(", ", changed.Select(s => s.Name).Concat(removed)), ex.Message);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50 * Math.Min(attempt, 10))), time, cancellationToken).ConfigureAwait(false);
        }
    }
}

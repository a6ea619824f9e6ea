namespace Plugboard.Sources.Cache;

/// <summary>Where the <see cref="CacheIndex"/> is kept. Writing replaces the whole index atomically.</summary>
public interface ICacheIndexStore
{
    /// <summary>Reads the index; an empty index when none was written yet.</summary>
    Task<CacheIndex> ReadAsync(CancellationToken cancellationToken);

    /// <summary>Replaces the index atomically: a reader sees the old or the new one, never a part.</summary>
    Task WriteAsync(CacheIndex index, CancellationToken cancellationToken);
}

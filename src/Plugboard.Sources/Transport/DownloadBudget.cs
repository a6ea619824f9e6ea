namespace Plugboard.Sources.Transport;

/// <summary>
/// How many bytes one source may download in one sync (<see cref="Configuration.SourceOptions.MaxDownloadBytes"/>),
/// shared by its parallel downloads: a feed listing endless or huge packages stops at the budget with a clear error
/// instead of filling the disk. Sources charge every chunk they write as they write it.
/// </summary>
public sealed class DownloadBudget
{
    private long _used;

    /// <summary>A budget of <paramref name="limit"/> bytes for source <paramref name="sourceName"/>.</summary>
    public DownloadBudget(string sourceName, long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        SourceName = sourceName;
        Limit = limit;
    }

    /// <summary>A budget that never runs out, for sources used outside a sync.</summary>
    public static DownloadBudget Unlimited(string sourceName) => new(sourceName, long.MaxValue);

    /// <summary>The source the budget is for.</summary>
    public string SourceName { get; }

    /// <summary>The most bytes the source may download in this sync.</summary>
    public long Limit { get; }

    /// <summary>The bytes charged so far.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Charges <paramref name="bytes"/> just downloaded from <paramref name="what"/>.</summary>
    /// <exception cref="Sources.SourceException">The budget is spent; the message gives the limit and how to raise it.</exception>
    public void Charge(long bytes, string what)
    {
        if (Interlocked.Add(ref _used, bytes) > Limit)
        {
            throw new Sources.SourceException(
                SourceName,
                $"Source '{SourceName}': downloads of this sync passed the source's budget of {Describe(Limit)} (while fetching {what}); the sync of this source stops and its previous cache state is kept. " +
                "If the source really offers that much, raise its MaxDownloadBytes; otherwise the source is serving more than it lists (an endless or oversized download).");
        }
    }

    /// <summary>
    /// Copies <paramref name="from"/> into <paramref name="to"/> a chunk at a time, charging each chunk to the budget as it
    /// is written; stops, before writing, with the exception <paramref name="tooLarge"/> builds once more than
    /// <paramref name="maxBytes"/> arrived (a single file's limit, apart from the budget).
    /// </summary>
    /// <exception cref="Sources.SourceException">The budget is spent.</exception>
    public async Task CopyAsync(Stream from, Stream to, long maxBytes, string what, Func<Exception> tooLarge, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(tooLarge);
        var buffer = new byte[1 << 16];
        long total = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                throw tooLarge();
            }

            Charge(read, what);
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A byte count as people read it (MiB or GiB).</summary>
    public static string Describe(long bytes) => bytes >= 1L << 30 && bytes % (1L << 30) == 0 ? $"{bytes >> 30} GiB"
        : bytes >= 1L << 20 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB")
        : bytes >= 1024 && bytes % 1024 == 0 ? $"{bytes >> 10} KiB"
        : $"{bytes} bytes";
}

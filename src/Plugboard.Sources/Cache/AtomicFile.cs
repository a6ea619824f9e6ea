namespace Plugboard.Sources.Cache;

/// <summary>Writes files so that they are complete or untouched whenever the process stops: a temp file is flushed to disk, then renamed over the target.</summary>
internal static class AtomicFile
{
    public static async Task WriteAsync(string path, Func<Stream, CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                await write(stream, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
#pragma warning disable CA1849 // fsync has no asynchronous form
                stream.Flush(flushToDisk: true);
#pragma warning restore CA1849
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static Task WriteAllBytesAsync(string path, byte[] bytes, CancellationToken cancellationToken)
        => WriteAsync(path, (stream, ct) => stream.WriteAsync(bytes, ct).AsTask(), cancellationToken);

    public static async Task CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await WriteAsync(to, (stream, ct) => source.CopyToAsync(stream, ct), cancellationToken).ConfigureAwait(false);
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// Deletes a folder so that it is never seen half-deleted under its own name: it is renamed to a hidden sibling
    /// first (one atomic step), then deleted. A process stopped meanwhile leaves only the hidden folder, which nothing
    /// loads and garbage collection removes. Needed wherever an existing folder is taken to be complete.
    /// </summary>
    public static void TryDeleteDirectoryAtomically(string path)
    {
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(path));
        if (name.StartsWith('.'))
        {
            TryDeleteDirectory(path);
            return;
        }

        var aside = Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(path))!, $".{name}.deleting-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(path, aside);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return;
        }

        TryDeleteDirectory(aside);
    }

    /// <summary>
    /// The temporary files that <see cref="WriteAsync"/> calls for <paramref name="path"/> left beside it when their
    /// process was stopped before the rename. Only dead for files whose writers are all stopped (e.g. under the cache lock).
    /// </summary>
    public static IReadOnlyList<string> FindInterruptedWrites(string path)
    {
        var full = Path.GetFullPath(path);
        return FindInterruptedWritesIn(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.*.tmp");
    }

    /// <summary>The temporary files of interrupted <see cref="WriteAsync"/> calls into <paramref name="folder"/>, for any file name matching <paramref name="pattern"/>.</summary>
    public static IReadOnlyList<string> FindInterruptedWritesIn(string folder, string pattern = ".*.tmp")
        => Directory.Exists(folder) ? Directory.EnumerateFiles(folder, pattern).Order(StringComparer.Ordinal).ToList() : [];

    public static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

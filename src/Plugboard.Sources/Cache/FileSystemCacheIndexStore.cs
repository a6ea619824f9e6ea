using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plugboard.Sources.Cache;

/// <summary>The index as one JSON file, replaced by writing a temp file and renaming it over the old one.</summary>
public sealed class FileSystemCacheIndexStore : ICacheIndexStore
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Creates the store for the file <paramref name="path"/> (usually <c>{cacheDir}/index.json</c>).</summary>
    public FileSystemCacheIndexStore(string path) => Path = System.IO.Path.GetFullPath(path);

    /// <summary>The index file.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public async Task<CacheIndex> ReadAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(Path))
        {
            return CacheIndex.Empty;
        }

        await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        CacheIndex? index;
        try
        {
            index = await JsonSerializer.DeserializeAsync<CacheIndex>(stream, Json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Cache index '{Path}' is not valid JSON ({ex.Message}). It is only ever replaced whole, so something else wrote it: delete it and sync again.", ex);
        }

        if (index is null || index.Format != CacheIndex.CurrentFormat)
        {
            throw new InvalidDataException($"Cache index '{Path}' has format {index?.Format}, this version reads format {CacheIndex.CurrentFormat}. Delete it and sync again.");
        }

        return index;
    }

    /// <inheritdoc />
    public Task WriteAsync(CacheIndex index, CancellationToken cancellationToken)
        => AtomicFile.WriteAsync(Path, (stream, ct) => JsonSerializer.SerializeAsync(stream, index, Json, ct), cancellationToken);
}

using System.Text;
using System.Text.Json;

namespace Plugboard.Sources.Sync;

/// <summary>The record of sync runs: one JSON line per run in <c>{cacheDir}/runs/sync-runs.jsonl</c>.</summary>
public static class SyncRunLog
{
    /// <summary>The file name of the run log.</summary>
    public const string FileName = "sync-runs.jsonl";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The run log file of a cache folder.</summary>
    public static string PathFor(string cacheDirectory) => Path.Combine(cacheDirectory, "runs", FileName);

    /// <summary>Appends a run.</summary>
    public static async Task AppendAsync(string cacheDirectory, SyncRun run, CancellationToken cancellationToken = default)
    {
        var path = PathFor(cacheDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(run, Json) + "\n");
        await using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, 4096, useAsync: true);
        await file.WriteAsync(line, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The last <paramref name="count"/> runs, oldest first; a line cut short by a crash is skipped.</summary>
    public static async Task<IReadOnlyList<SyncRun>> ReadAsync(string cacheDirectory, int count = 100, CancellationToken cancellationToken = default)
    {
        var path = PathFor(cacheDirectory);
        if (!File.Exists(path))
        {
            return [];
        }

        var runs = new List<SyncRun>();
        foreach (var line in await File.ReadAllLinesAsync(path, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                if (line.Length > 0 && JsonSerializer.Deserialize<SyncRun>(line, Json) is { } run)
                {
                    runs.Add(run);
                }
            }
            catch (JsonException)
            {
            }
        }

        return runs.Count <= count ? runs : runs[^count..];
    }
}

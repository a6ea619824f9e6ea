using System.Globalization;
using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using Plugboard.Manifests.Yaml;

namespace Plugboard.Manifests;

/// <summary>
/// Keeps what the YAML parser made of each manifest, so that a process reading a manifest it has read before (a host
/// restarting with the same plugins) does not parse YAML at all. The first YAML parse in a process is its most
/// expensive step: the parser compiles a regular expression and the parsing code is first run, some 50 ms of a
/// one-plugin host's start (see docs/benchmarks.md). Only the parse is kept: every check of the manifest still runs on
/// each read, so a cached manifest is refused exactly as a fresh one.
/// </summary>
/// <remarks>
/// One file per manifest path in <see cref="Directory"/>, holding the manifest's exact text beside its parse: an entry
/// is used only when the text is identical, byte for byte, so a changed manifest is always parsed again. Entries are
/// written whole (a temporary file renamed over the old one); an entry that cannot be read or written is ignored, and
/// the manifest parsed as if there were no cache. Only manifests that are valid are kept. The directory is created
/// readable by its owner only, and the cache trusts its files as much as the plugins directory it describes: give it
/// a directory no less protected.
/// </remarks>
public sealed class ManifestParseCache
{
    private const int Format = 1;

    // A manifest is at most 1 MiB of text and its tree small; anything larger than this is not an entry of ours.
    private const long MaxEntryBytes = 8L * 1024 * 1024;

    // Trees are kept only when small: aliases can expand a short text into a large tree.
    private const long MaxCachedNodes = 10_000;

    /// <summary>Creates a cache in <paramref name="directory"/>, created when the first entry is written.</summary>
    public ManifestParseCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>Where the entries are.</summary>
    public string Directory { get; }

    /// <summary>The tree kept for <paramref name="file"/> when its text was exactly <paramref name="yaml"/>; null otherwise.</summary>
    internal YamlTreeNode? TryRead(string file, string yaml)
    {
        try
        {
            var path = EntryPath(file);
            var info = new FileInfo(path);
            if (!info.Exists || info.Length > MaxEntryBytes)
            {
                return null;
            }

            var bytes = File.ReadAllBytes(path);
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = YamlTreeJson.MaxJsonDepth });
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject
                || !ReadProperty(ref reader, "format") || reader.TokenType != JsonTokenType.Number || reader.GetInt32() != Format
                || !ReadProperty(ref reader, "yaml") || reader.TokenType != JsonTokenType.String || !reader.ValueTextEquals(yaml)
                || !ReadProperty(ref reader, "tree"))
            {
                return null;
            }

            return YamlTreeJson.Read(ref reader);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Keeps the tree of a valid manifest; a failure to write is ignored (the next read parses again).</summary>
    internal void Write(string file, string yaml, YamlTreeNode tree)
    {
        if (tree.Size > MaxCachedNodes)
        {
            return;
        }

        var path = EntryPath(file);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            CreateDirectory();
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { MaxDepth = YamlTreeJson.MaxJsonDepth }))
            {
                writer.WriteStartObject();
                writer.WriteNumber("format", Format);
                writer.WriteString("yaml", yaml);
                writer.WritePropertyName("tree");
                YamlTreeJson.Write(writer, tree);
                writer.WriteEndObject();
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            TryDelete(temporary);
        }
    }

    private static bool ReadProperty(ref Utf8JsonReader reader, string name) =>
        reader.Read() && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals(name) && reader.Read();

    private string EntryPath(string file)
    {
        var key = XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(Path.GetFullPath(file)));
        return Path.Combine(Directory, key.ToString("x32", CultureInfo.InvariantCulture) + ".json");
    }

    private void CreateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(Directory);
        }
        else
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A temporary file left behind is harmless: it is never read as an entry.
        }
    }
}

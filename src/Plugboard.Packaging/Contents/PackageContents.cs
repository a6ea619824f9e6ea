using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using Plugboard.Packaging.Archive;

namespace Plugboard.Packaging;

/// <summary>
/// The content list of a package (<c>.pbpkg/contents.json</c>): the plugin id and version and every file
/// with its size and SHA-256, sorted by path (Unicode code point order). It is what extraction checks every byte against.
/// </summary>
public sealed class PackageContents
{
    /// <summary>Creates a content list; files are sorted by path (Unicode code point order).</summary>
    public PackageContents(string id, string version, IEnumerable<PackageFileEntry> files)
    {
        Id = id;
        Version = version;
        Files = [.. files.OrderBy(f => f.Path, EntryPath.Order)];
    }

    /// <summary>The content list format version.</summary>
    public int Format { get; init; } = PackageFormat.ContentListFormat;

    /// <summary>The plugin id from the manifest.</summary>
    public string Id { get; }

    /// <summary>The plugin version from the manifest (SemVer 2, full form).</summary>
    public string Version { get; }

    /// <summary>Every file of the package except the content list itself, sorted by path (Unicode code point order).</summary>
    public IReadOnlyList<PackageFileEntry> Files { get; }

    /// <summary>The sum of the files' uncompressed sizes.</summary>
    public long TotalSize => Files.Sum(f => f.Size);

    /// <summary>The file at <paramref name="path"/>, or null.</summary>
    public PackageFileEntry? Find(string path) => Files.FirstOrDefault(f => string.Equals(f.Path, path, StringComparison.Ordinal));

    /// <summary>Serializes the list the one way the format allows: UTF-8 JSON, indented, <c>\n</c> line ends, fixed field order.</summary>
    public byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("format", Format);
            json.WriteString("id", Id);
            json.WriteString("version", Version);
            json.WriteStartArray("files");
            foreach (var file in Files)
            {
                json.WriteStartObject();
                json.WriteString("path", file.Path);
                json.WriteNumber("size", file.Size);
                json.WriteString("sha256", file.Sha256);
                if (file.Executable)
                {
                    json.WriteBoolean("executable", true);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Parses and checks a content list.</summary>
    /// <param name="json">The UTF-8 JSON.</param>
    /// <param name="packagePath">The package it came from, for error messages.</param>
    /// <exception cref="PackageException">The list is malformed; <see cref="PackageErrorKind.ContentListInvalid"/>.</exception>
    public static PackageContents Parse(ReadOnlySpan<byte> json, string? packagePath = null)
    {
        var where = $"{packagePath ?? "package"}: {PackageFormat.ContentListPath}";
        PackageException Invalid(string problem) => new(
            PackageErrorKind.ContentListInvalid,
            $"{where} is invalid: {problem}. The package is damaged or was not made by 'plugboard pack'; pack it again.",
            packagePath,
            PackageFormat.ContentListPath);

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw Invalid($"not valid JSON ({ex.Message})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("the top level must be an object");
            }

            if (!root.TryGetProperty("format", out var format) || format.ValueKind != JsonValueKind.Number || !format.TryGetInt32(out var formatValue))
            {
                throw Invalid("'format' must be a number");
            }

            if (formatValue != PackageFormat.ContentListFormat)
            {
                throw Invalid($"format {formatValue} is not supported (this version reads format {PackageFormat.ContentListFormat}); upgrade Plugboard");
            }

            var id = RequiredString(root, "id", Invalid);
            var version = RequiredString(root, "version", Invalid);
            if (!root.TryGetProperty("files", out var files) || files.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("'files' must be an array");
            }

            var entries = new List<PackageFileEntry>(files.GetArrayLength());
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var file in files.EnumerateArray())
            {
                if (file.ValueKind != JsonValueKind.Object)
                {
                    throw Invalid($"files[{index}] must be an object");
                }

                var path = RequiredString(file, "path", p => Invalid($"files[{index}]: {p}"));
                if (EntryPath.Check(path) is { } pathProblem)
                {
                    throw Invalid($"files[{index}].path '{path}' {pathProblem}");
                }

                if (!seen.Add(EntryPath.FoldForComparison(path)))
                {
                    throw Invalid($"files[{index}].path '{path}' is listed twice (paths are compared ignoring case)");
                }

                if (!file.TryGetProperty("size", out var size) || !size.TryGetInt64(out var sizeValue) || sizeValue < 0)
                {
                    throw Invalid($"files[{index}].size must be a non-negative integer");
                }

                var sha = RequiredString(file, "sha256", p => Invalid($"files[{index}]: {p}"));
                if (sha.Length != SHA256.HashSizeInBytes * 2 || !PackageDigest.IsHex(sha))
                {
                    throw Invalid($"files[{index}].sha256 must be 64 hex digits");
                }

                var executable = false;
                if (file.TryGetProperty("executable", out var exec))
                {
                    if (exec.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw Invalid($"files[{index}].executable must be true or false");
                    }

                    executable = exec.GetBoolean();
                }

                entries.Add(new PackageFileEntry(path, sizeValue, sha.ToLowerInvariant(), executable));
                index++;
            }

            for (var i = 1; i < entries.Count; i++)
            {
                if (EntryPath.Order.Compare(entries[i - 1].Path, entries[i].Path) > 0)
                {
                    throw Invalid($"files[{i}] ('{entries[i].Path}') comes before files[{i - 1}] ('{entries[i - 1].Path}') in entry order; files are listed in entry order");
                }
            }

            var contents = new PackageContents(id, version, entries) { Format = formatValue };

            // One package, one byte sequence: anything else (bytes after the object, other spacing, field order or
            // escaping, upper-case digests) would let two identical packages differ, and a digest stop naming one content.
            if (!json.SequenceEqual(contents.ToJsonBytes()))
            {
                throw Invalid("it is not in the canonical form (UTF-8, two-space indentation, \\n line ends, one final newline, fields in their order, lower-case digests, nothing after the closing brace; see docs/packaging.md)");
            }

            return contents;
        }
    }

    private static string RequiredString(JsonElement element, string name, Func<string, PackageException> invalid)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(value.GetString()))
        {
            throw invalid($"'{name}' must be a non-empty string");
        }

        return value.GetString()!;
    }
}

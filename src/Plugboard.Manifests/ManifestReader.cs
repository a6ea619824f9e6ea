using Plugboard.Manifests.Reading;

namespace Plugboard.Manifests;

/// <summary>Reads and validates <c>plugin.yaml</c> files.</summary>
public static class ManifestReader
{
    // A manifest is a page of YAML; anything this large is a mistake or an attack.
    private const long MaxFileBytes = 1024 * 1024;

    /// <summary>Every top-level field a manifest may have (camelCase, as written in YAML).</summary>
    public static IReadOnlyList<string> Fields => ManifestParser.Fields;

    /// <summary>Reads the manifest in a plugin folder or at a file path.</summary>
    /// <exception cref="ManifestException">The file is missing, not valid YAML, or has invalid values; lists every error.</exception>
    public static PluginManifest ReadFile(string path) => ReadFile(path, cache: null);

    /// <summary>
    /// Reads the manifest in a plugin folder or at a file path, taking what the YAML parser made of it from
    /// <paramref name="cache"/> when the file is unchanged since it was last read through it (and keeping it there when not).
    /// </summary>
    /// <exception cref="ManifestException">The file is missing, not valid YAML, or has invalid values; lists every error.</exception>
    public static PluginManifest ReadFile(string path, ManifestParseCache? cache)
    {
        var file = ResolveFile(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(file, ex);
        }

        return ManifestParser.Parse(Decode(bytes, file), file, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)), cache);
    }

    /// <summary>Reads the manifest in a plugin folder or at a file path, without blocking a thread on the file.</summary>
    /// <exception cref="ManifestException">The file is missing, not valid YAML, or has invalid values; lists every error.</exception>
    public static async Task<PluginManifest> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = ResolveFile(path);
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(file, ex);
        }

        return ManifestParser.Parse(Decode(bytes, file), file, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)));
    }

    /// <summary>Parses manifest text; <paramref name="fileName"/> is used in error messages.</summary>
    /// <exception cref="ManifestException">Lists every error with line/column or field path.</exception>
    public static PluginManifest Parse(string yaml, string fileName = PluginManifest.FileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return ManifestParser.Parse(yaml, fileName, directory: null);
    }

    /// <summary>
    /// Parses manifest bytes as stored in a file or a package: UTF-8, with or without a byte order mark. This is the
    /// one decoding every reader uses (the packer, the verifier, sync, hosts), so they accept and refuse the same files.
    /// </summary>
    /// <exception cref="ManifestException">The bytes are not UTF-8 (the error gives the line), or the manifest is invalid.</exception>
    public static PluginManifest ParseUtf8(ReadOnlySpan<byte> utf8, string fileName = PluginManifest.FileName)
        => ManifestParser.Parse(Decode(utf8, fileName), fileName, directory: null);

    private static string Decode(ReadOnlySpan<byte> bytes, string file)
    {
        var text = bytes.StartsWith(Utf8Bom) ? bytes[Utf8Bom.Length..] : bytes;
        if (System.Text.Unicode.Utf8.IsValid(text))
        {
            return StrictUtf8.GetString(text);
        }

        // Say where the first bad byte is: files saved as Latin-1 or UTF-16 land here.
        var at = FirstInvalid(text);
        var before = text[..at];
        var line = before.Count((byte)'\n') + 1;
        var column = at - (before.LastIndexOf((byte)'\n') + 1) + 1;
        throw new ManifestException([new ManifestError(file, line, column, null, $"is not valid UTF-8 (byte 0x{text[at]:X2}); save the file as UTF-8")]);
    }

    private static int FirstInvalid(ReadOnlySpan<byte> text)
    {
        var at = 0;
        while (at < text.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(text[at..], out _, out var consumed);
            if (status != System.Buffers.OperationStatus.Done)
            {
                return at;
            }

            at += consumed;
        }

        return at;
    }

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string ResolveFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = Directory.Exists(path) ? System.IO.Path.Combine(path, PluginManifest.FileName) : path;
        if (!File.Exists(file))
        {
            var message = Directory.Exists(path)
                ? $"not found: a plugin folder needs a {PluginManifest.FileName} at its root"
                : "not found: no such file or folder; give a plugin folder or the path of its plugin.yaml";
            throw new ManifestException([new ManifestError(file, null, null, null, message)]);
        }

        // Never opened when empty: FIFOs, sockets and devices report 0 bytes too, and opening a FIFO blocks.
        var length = new FileInfo(file).Length;
        if (length == 0)
        {
            throw new ManifestException([new ManifestError(file, null, null, null, "is empty or not a regular file; a manifest needs at least id, version and entry")]);
        }

        if (length > MaxFileBytes)
        {
            throw new ManifestException([new ManifestError(file, null, null, null, $"is larger than {MaxFileBytes / 1024} KiB; a manifest is a short YAML file")]);
        }

        return file;
    }

    private static ManifestException Unreadable(string file, Exception ex) =>
        new([new ManifestError(file, null, null, null, $"cannot be read: {ex.Message}")]);
}

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
    public static PluginManifest ReadFile(string path)
    {
        var file = ResolveFile(path);
        string yaml;
        try
        {
            yaml = File.ReadAllText(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(file, ex);
        }

        return ManifestParser.Parse(yaml, file, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)));
    }

    /// <summary>Reads the manifest in a plugin folder or at a file path, without blocking a thread on the file.</summary>
    /// <exception cref="ManifestException">The file is missing, not valid YAML, or has invalid values; lists every error.</exception>
    public static async Task<PluginManifest> ReadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        var file = ResolveFile(path);
        string yaml;
        try
        {
            yaml = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(file, ex);
        }

        return ManifestParser.Parse(yaml, file, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(file)));
    }

    /// <summary>Parses manifest text; <paramref name="fileName"/> is used in error messages.</summary>
    /// <exception cref="ManifestException">Lists every error with line/column or field path.</exception>
    public static PluginManifest Parse(string yaml, string fileName = PluginManifest.FileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        return ManifestParser.Parse(yaml, fileName, directory: null);
    }

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

        if (new FileInfo(file).Length > MaxFileBytes)
        {
            throw new ManifestException([new ManifestError(file, null, null, null, $"is larger than {MaxFileBytes / 1024} KiB; a manifest is a short YAML file")]);
        }

        return file;
    }

    private static ManifestException Unreadable(string file, Exception ex) =>
        new([new ManifestError(file, null, null, null, $"cannot be read: {ex.Message}")]);
}

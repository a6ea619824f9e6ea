using Plugboard.Manifests;

namespace Plugboard.Hosting.Discovery;

/// <summary>
/// Finds plugins in a plugins directory: every sub-folder holding a <c>plugin.yaml</c> is one, whatever
/// its runtime. Folders without a manifest are ignored; a manifest that cannot be read is reported with
/// its errors, never thrown, so one bad folder does not hide the others.
/// </summary>
public static class PluginDirectoryScanner
{
    /// <summary>The plugins in <paramref name="pluginsDirectory"/>, ordered by folder name.</summary>
    /// <param name="pluginsDirectory">The plugins directory; an empty list when it does not exist.</param>
    public static IReadOnlyList<DiscoveredPlugin> Scan(string pluginsDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pluginsDirectory);
        if (!Directory.Exists(pluginsDirectory))
        {
            return [];
        }

        return FindFolders(pluginsDirectory).Select(Read).ToList();
    }

    /// <summary>The plugin folders in <paramref name="pluginsDirectory"/> (absolute), ordered by name, without reading them.</summary>
    internal static IReadOnlyList<string> FindFolders(string pluginsDirectory) =>
        Directory.Exists(pluginsDirectory)
            ? Directory.EnumerateDirectories(Path.GetFullPath(pluginsDirectory))
                .Where(d => !IsHidden(d) && IsPluginFolder(d))
                .Order(StringComparer.Ordinal)
                .ToList()
            : [];

    /// <summary>
    /// Whether a folder's name starts with a dot: such folders are never plugins (tools keep work and retired copies
    /// there, e.g. the <c>.retired-…</c> folders of Plugboard.Sources' current view).
    /// </summary>
    public static bool IsHidden(string directory) => Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)).StartsWith('.');

    /// <summary>Whether <paramref name="directory"/> holds a <c>plugin.yaml</c>.</summary>
    public static bool IsPluginFolder(string directory) => File.Exists(Path.Combine(directory, PluginManifest.FileName));

    /// <summary>Reads the manifest of one plugin folder.</summary>
    /// <param name="directory">The plugin folder.</param>
    public static DiscoveredPlugin Read(string directory) => Read(directory, cache: null);

    /// <summary>Reads the manifest of one plugin folder, through a cache of parsed manifests.</summary>
    /// <param name="directory">The plugin folder.</param>
    /// <param name="cache">Where parsed manifests are kept (<see cref="PlugboardOptions.ManifestCacheDirectory"/>); null for none.</param>
    public static DiscoveredPlugin Read(string directory, ManifestParseCache? cache)
    {
        var full = Path.GetFullPath(directory);
        try
        {
            return new DiscoveredPlugin(full, ManifestReader.ReadFile(full, cache), []);
        }
        catch (ManifestException ex)
        {
            var errors = ex.Errors.Select(ToPluginError).ToList();
            if (errors.Count == 0)
            {
                errors.Add(new PluginError(null, ex.Message));
            }

            return new DiscoveredPlugin(full, null, errors);
        }
        catch (IOException ex)
        {
            return new DiscoveredPlugin(full, null, [new PluginError(null, $"{Path.Combine(full, PluginManifest.FileName)} could not be read: {ex.Message}")]);
        }
    }

    private static PluginError ToPluginError(ManifestError error)
    {
        var where = error.Line is { } line ? $" ({Path.GetFileName(error.File)} line {line}{(error.Column is { } column ? $", column {column}" : string.Empty)})" : string.Empty;
        return new PluginError(error.Path, error.Message + where);
    }
}

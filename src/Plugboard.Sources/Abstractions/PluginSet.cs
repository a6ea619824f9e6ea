using Plugboard.Manifests.Versioning;
using Plugboard.Sources.Configuration;

namespace Plugboard.Sources;

/// <summary>A validated plugin set: the part of a source to take, and which plugins and versions of it.</summary>
public sealed record PluginSet
{
    /// <summary>The set's key inside its source: its sub-path (<c>.</c> for the root) and, when given, <c>@ref</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The normalized sub-path (forward slashes, no leading or trailing slash); empty for the root.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The git ref of the set, when given (its own or the source's).</summary>
    public string? Ref { get; init; }

    /// <summary>The versions taken; null takes every version.</summary>
    public VersionRangeSpec? Versions { get; init; }

    /// <summary>The plugin ids taken; empty takes every plugin.</summary>
    public IReadOnlySet<string> Plugins { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Whether the set takes the plugin <paramref name="id"/> at <paramref name="version"/>.</summary>
    public bool Takes(string id, NuGet.Versioning.NuGetVersion version)
        => (Plugins.Count == 0 || Plugins.Contains(id)) && (Versions is null || Versions.Satisfies(version));

    /// <summary>The sets of a source as configured: one whole-source set when none is given.</summary>
    /// <exception cref="FormatException">A set's path or version is invalid (the options validator reports these first).</exception>
    public static IReadOnlyList<PluginSet> FromOptions(SourceOptions source)
    {
        var sets = source.Sets.Count == 0 ? [new PluginSetOptions()] : source.Sets;
        return [.. sets.Select(set =>
        {
            var path = NormalizePath(set.Path) ?? throw new FormatException($"Source '{source.Name}': set path '{set.Path}' must be a relative path inside the source, without '..'.");
            var reference = string.IsNullOrWhiteSpace(set.Ref) ? (string.IsNullOrWhiteSpace(source.Ref) ? null : source.Ref.Trim()) : set.Ref.Trim();
            return new PluginSet
            {
                Key = (path.Length == 0 ? "." : path) + (string.IsNullOrWhiteSpace(set.Ref) ? string.Empty : "@" + set.Ref.Trim()),
                Path = path,
                Ref = reference,
                Versions = string.IsNullOrWhiteSpace(set.Version) ? null : VersionRangeSpec.Parse(set.Version),
                Plugins = new HashSet<string>(set.Plugins.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => p.Trim()), StringComparer.Ordinal),
            };
        })];
    }

    /// <summary>Normalizes a sub-path, or returns null when it is absolute or climbs out with <c>..</c>.</summary>
    internal static string? NormalizePath(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return string.Empty;
        }

        var text = path.Trim().Replace('\\', '/');
        if (text.StartsWith('/') || text.Contains(':', StringComparison.Ordinal) || text.Any(char.IsControl))
        {
            return null;
        }

        var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        return parts.Any(p => p == "..") ? null : string.Join('/', parts);
    }
}

using System.Text.RegularExpressions;
using NuGet.Versioning;
using Plugboard.Packaging;

namespace Plugboard.Sources.S3;

/// <summary>
/// Reads the plugin id and version from an object named <c>{id}-{version}.pbpkg</c>
/// (<see cref="PackageFormat.FileNameFor"/>). Ids hold no '.', and a SemVer version holds one before any
/// '-', so the last '-' before the first '.' separates them without ambiguity.
/// </summary>
internal static partial class S3PackageFileName
{
    public static bool TryParse(string fileName, out string id, out string version)
    {
        id = version = string.Empty;
        if (!fileName.EndsWith(PackageFormat.Extension, StringComparison.Ordinal))
        {
            return false;
        }

        var stem = fileName[..^PackageFormat.Extension.Length];
        var dot = stem.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0)
        {
            return false;
        }

        var dash = stem.LastIndexOf('-', dot);
        if (dash <= 0 || !PluginId().IsMatch(stem[..dash]) || !NuGetVersion.TryParseStrict(stem[(dash + 1)..], out var parsed))
        {
            return false;
        }

        id = stem[..dash];
        version = parsed.ToFullString();
        return true;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$")]
    private static partial Regex PluginId();
}

using System.Globalization;
using System.Text.RegularExpressions;
using NuGet.Versioning;

namespace Plugboard.Manifests.Versioning;

/// <summary>A version in a range, where trailing parts may be missing or wildcards (<c>1</c>, <c>1.2.x</c>, <c>*</c>).</summary>
internal readonly partial record struct PartialVersion(int? Major, int? Minor, int? Patch, string? Prerelease, string? Metadata)
{
    /// <summary>Major, minor and patch are all given.</summary>
    public bool IsComplete => Patch is not null;

    public static bool TryParse(string text, out PartialVersion version, out string? problem)
    {
        version = default;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            problem = $"'{text}' is not a version; write major[.minor[.patch]][-prerelease], with x or * for any";
            return false;
        }

        int? major = null, minor = null, patch = null;
        var parts = new[] { match.Groups["major"], match.Groups["minor"], match.Groups["patch"] };
        var wildcardSeen = false;
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            if (!part.Success || part.Value is "x" or "X" or "*")
            {
                wildcardSeen = true;
                continue;
            }

            if (wildcardSeen)
            {
                problem = $"'{text}' has a number after a wildcard; write e.g. 1.x or 1.2.*";
                return false;
            }

            if (!int.TryParse(part.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                problem = $"'{part.Value}' in '{text}' is too large for a version number";
                return false;
            }

            if (i == 0)
            {
                major = number;
            }
            else if (i == 1)
            {
                minor = number;
            }
            else
            {
                patch = number;
            }
        }

        var prerelease = match.Groups["pre"].Success ? match.Groups["pre"].Value : null;
        var metadata = match.Groups["meta"].Success ? match.Groups["meta"].Value : null;
        if ((prerelease is not null || metadata is not null) && patch is null)
        {
            problem = $"'{text}' has a prerelease label but no patch number; write e.g. 1.2.0-beta";
            return false;
        }

        version = new PartialVersion(major, minor, patch, prerelease, metadata);
        problem = null;
        return true;
    }

    /// <summary>The complete version; only when <see cref="IsComplete"/>.</summary>
    public NuGetVersion ToVersion() => new(Major!.Value, Minor!.Value, Patch!.Value, Prerelease, Metadata);

    /// <summary>Missing parts as zeros: <c>1.2</c> → <c>1.2.0</c>.</summary>
    public NuGetVersion FillZeros() =>
        IsComplete ? ToVersion() : new NuGetVersion(Major ?? 0, Minor ?? 0, Patch ?? 0);

    /// <summary>The lowest version above the line this partial version names: <c>1.2</c> → <c>1.3.0-0</c>, <c>1</c> → <c>2.0.0-0</c>.</summary>
    public NuGetVersion NextLine() => Minor is { } minor
        ? new NuGetVersion(Major!.Value, minor + 1, 0, "0")
        : new NuGetVersion(Major!.Value + 1, 0, 0, "0");

    [GeneratedRegex(@"^[vV]?(?<major>\d+|[xX*])(\.(?<minor>\d+|[xX*])(\.(?<patch>\d+|[xX*]))?)?(-(?<pre>[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+(?<meta>[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$")]
    private static partial Regex Pattern();
}

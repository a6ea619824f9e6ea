using NuGet.Versioning;

namespace Plugboard.Manifests.Versioning;

/// <summary>A version range as written in a manifest (npm style <c>^1.2</c>, <c>&gt;=1.0 &lt;2.0</c>, <c>1.x</c>, <c>a || b</c>, or interval <c>[1.0,2.0)</c>).</summary>
public sealed class VersionRangeSpec
{
    /// <summary>Parses a range.</summary>
    /// <exception cref="FormatException">Not a range; the message says what is accepted.</exception>
    public static VersionRangeSpec Parse(string text) => throw new NotImplementedException("SKELETON");

    /// <summary>Tries to parse a range.</summary>
    public static bool TryParse(string text, out VersionRangeSpec? range, out string? error) => throw new NotImplementedException("SKELETON");

    /// <summary>Whether the version lies in the range.</summary>
    public bool Satisfies(NuGetVersion version) => throw new NotImplementedException("SKELETON");

    /// <summary>The highest of the given versions in the range, or null.</summary>
    public NuGetVersion? FindBest(IEnumerable<NuGetVersion> versions) => throw new NotImplementedException("SKELETON");
}

using NuGet.Versioning;

namespace Plugboard.Manifests.Versioning;

/// <summary>
/// A version range as written in a manifest (npm style <c>^1.2</c>, <c>&gt;=1.0 &lt;2.0</c>, <c>1.x</c>,
/// <c>1.0 - 2.0</c>, <c>a || b</c>, or NuGet interval <c>[1.0,2.0)</c>).
/// </summary>
/// <remarks>
/// Versions are ordered by SemVer 2 precedence (NuGet's <see cref="VersionComparer.Default"/>; build
/// metadata is ignored), and a prerelease satisfies a range whenever it lies between the bounds, as in
/// NuGet: <c>&gt;=1.0.0</c> admits <c>1.5.0-beta</c>. Bounds that a shorthand implies (<c>^</c>,
/// <c>~</c>, <c>1.x</c>, a partial upper bound of a hyphen range) stop below every prerelease of the
/// next version (<c>^1.2</c> is <c>&gt;=1.2.0 &lt;2.0.0-0</c>), so <c>^1.2</c> never admits
/// <c>2.0.0-beta</c>; an explicit <c>&lt;2.0.0</c> does, because <c>2.0.0-beta</c> precedes <c>2.0.0</c>.
/// </remarks>
public sealed class VersionRangeSpec : IEquatable<VersionRangeSpec>
{
    private readonly IReadOnlyList<IReadOnlyList<VersionComparator>> _alternatives;

    private VersionRangeSpec(string text, IReadOnlyList<IReadOnlyList<VersionComparator>> alternatives)
    {
        Text = text;
        _alternatives = alternatives;
    }

    /// <summary>The range that every version satisfies (<c>*</c>).</summary>
    public static VersionRangeSpec Any { get; } = Parse("*");

    /// <summary>The range as written (trimmed).</summary>
    public string Text { get; }

    /// <summary>Parses a range.</summary>
    /// <exception cref="FormatException">Not a range; the message says what is accepted.</exception>
    public static VersionRangeSpec Parse(string text) =>
        TryParse(text, out var range, out var error) ? range! : throw new FormatException(error);

    /// <summary>Tries to parse a range.</summary>
    /// <param name="text">The range text.</param>
    /// <param name="range">The range, when <paramref name="text"/> is one.</param>
    /// <param name="error">Why <paramref name="text"/> is not a range, and what would be; null on success.</param>
    public static bool TryParse(string text, out VersionRangeSpec? range, out string? error)
    {
        range = null;
        if (text is null)
        {
            error = "a version range is required; use e.g. ^1.2, >=1.0 <2.0 or [1.0,2.0)";
            return false;
        }

        var trimmed = text.Trim();
        if (!VersionRangeParser.TryParse(trimmed, out var alternatives, out var problem))
        {
            error = $"'{trimmed}' is not a version range ({problem}); use e.g. ^1.2, >=1.0 <2.0 or [1.0,2.0)";
            return false;
        }

        range = new VersionRangeSpec(trimmed, alternatives);
        error = null;
        return true;
    }

    /// <summary>Whether the version lies in the range.</summary>
    public bool Satisfies(NuGetVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        foreach (var alternative in _alternatives)
        {
            if (SatisfiesAll(alternative, version))
            {
                return true;
            }
        }

        return false;
    }

    private static bool SatisfiesAll(IReadOnlyList<VersionComparator> comparators, NuGetVersion version)
    {
        foreach (var comparator in comparators)
        {
            if (!comparator.IsSatisfiedBy(version))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The highest of the given versions in the range, or null.</summary>
    public NuGetVersion? FindBest(IEnumerable<NuGetVersion> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        NuGetVersion? best = null;
        foreach (var version in versions)
        {
            if (version is not null && Satisfies(version) && (best is null || VersionComparer.Default.Compare(version, best) > 0))
            {
                best = version;
            }
        }

        return best;
    }

    /// <summary>The range in comparator form (<c>&gt;=1.2.0 &lt;2.0.0-0</c>, alternatives joined by <c>||</c>), for diagnostics.</summary>
    public string ToNormalizedString() =>
        string.Join(" || ", _alternatives.Select(a => a.Count == 0 ? "*" : string.Join(' ', a)));

    /// <summary>The range as written.</summary>
    public override string ToString() => Text;

    /// <inheritdoc />
    public bool Equals(VersionRangeSpec? other) => other is not null && string.Equals(Text, other.Text, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as VersionRangeSpec);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Text);

    /// <summary>Whether two ranges are written the same.</summary>
    public static bool operator ==(VersionRangeSpec? left, VersionRangeSpec? right) => left?.Equals(right) ?? right is null;

    /// <summary>Whether two ranges are written differently.</summary>
    public static bool operator !=(VersionRangeSpec? left, VersionRangeSpec? right) => !(left == right);
}

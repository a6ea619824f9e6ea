using System.Text.RegularExpressions;
using NuGet.Versioning;

namespace Plugboard.Manifests.Versioning;

/// <summary>Turns range text into alternatives (OR) of comparator sets (AND); see <see cref="VersionRangeSpec"/>.</summary>
internal static partial class VersionRangeParser
{
    private static readonly NuGetVersion Lowest = new(0, 0, 0, "0");

    public static bool TryParse(string text, out IReadOnlyList<IReadOnlyList<VersionComparator>> alternatives, out string? problem)
    {
        alternatives = [];
        if (text.Length == 0)
        {
            problem = "it is empty; write * for any version";
            return false;
        }

        var result = new List<IReadOnlyList<VersionComparator>>();
        foreach (var part in text.Split("||"))
        {
            var alternative = part.Trim();
            if (alternative.Length == 0)
            {
                problem = "'||' needs a range on both sides";
                return false;
            }

            var comparators = new List<VersionComparator>();
            problem = alternative[0] is '[' or '('
                ? ParseInterval(alternative, comparators)
                : HyphenRange().Match(alternative) is { Success: true } hyphen
                    ? ParseHyphen(hyphen.Groups["from"].Value, hyphen.Groups["to"].Value, comparators)
                    : ParseComparatorSet(alternative, comparators);
            if (problem is not null)
            {
                return false;
            }

            result.Add(comparators);
        }

        alternatives = result;
        problem = null;
        return true;
    }

    // [1.0,2.0)  (,2.0]  [1.0,)  [1.0]
    private static string? ParseInterval(string text, List<VersionComparator> comparators)
    {
        var open = text[0];
        var close = text[^1];
        if (close is not (']' or ')'))
        {
            return "an interval ends with ] or )";
        }

        var inner = text[1..^1];
        var comma = inner.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            if (open != '[' || close != ']')
            {
                return "an exact version in interval notation is written [1.0]";
            }

            if (!NuGetVersion.TryParse(inner.Trim(), out var exact))
            {
                return $"'{inner.Trim()}' is not a version";
            }

            comparators.Add(new(ComparatorOperator.Equal, exact));
            return null;
        }

        if (inner.IndexOf(',', comma + 1) >= 0)
        {
            return "an interval has one comma between its lower and upper bound";
        }

        var lowerText = inner[..comma].Trim();
        var upperText = inner[(comma + 1)..].Trim();
        if (lowerText.Length == 0 && upperText.Length == 0)
        {
            return "an interval needs at least one bound; write * for any version";
        }

        NuGetVersion? lower = null;
        NuGetVersion? upper = null;
        if (lowerText.Length > 0 && !NuGetVersion.TryParse(lowerText, out lower))
        {
            return $"'{lowerText}' is not a version";
        }

        if (upperText.Length > 0 && !NuGetVersion.TryParse(upperText, out upper))
        {
            return $"'{upperText}' is not a version";
        }

        if (lower is not null && upper is not null && VersionComparer.Default.Compare(lower, upper) > 0)
        {
            return $"the lower bound {lowerText} is above the upper bound {upperText}";
        }

        if (lower is not null)
        {
            comparators.Add(new(open == '[' ? ComparatorOperator.GreaterOrEqual : ComparatorOperator.Greater, lower));
        }

        if (upper is not null)
        {
            comparators.Add(new(close == ']' ? ComparatorOperator.LessOrEqual : ComparatorOperator.Less, upper));
        }

        return null;
    }

    // 1.2 - 2.3.4: a partial lower bound fills zeros, a partial upper bound covers the whole line.
    private static string? ParseHyphen(string fromText, string toText, List<VersionComparator> comparators)
    {
        if (!PartialVersion.TryParse(fromText, out var from, out var problem) || !PartialVersion.TryParse(toText, out var to, out problem))
        {
            return problem;
        }

        if (from.Major is not null)
        {
            comparators.Add(new(ComparatorOperator.GreaterOrEqual, from.FillZeros()));
        }

        if (to.IsComplete)
        {
            comparators.Add(new(ComparatorOperator.LessOrEqual, to.ToVersion()));
        }
        else if (to.Major is not null)
        {
            comparators.Add(new(ComparatorOperator.Less, to.NextLine()));
        }

        return null;
    }

    private static string? ParseComparatorSet(string text, List<VersionComparator> comparators)
    {
        var tokens = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];

            // ">= 1.2" is written with a space now and then; glue the operator to its version.
            if (OperatorOnly().IsMatch(token))
            {
                if (i + 1 >= tokens.Length)
                {
                    return $"'{token}' needs a version after it";
                }

                token += tokens[++i];
            }

            var problem = ParseComparator(token, comparators);
            if (problem is not null)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? ParseComparator(string token, List<VersionComparator> comparators)
    {
        var match = Comparator().Match(token);
        if (!match.Success)
        {
            return $"'{token}' is not a comparator";
        }

        var op = match.Groups["op"].Value;
        if (!PartialVersion.TryParse(match.Groups["version"].Value, out var version, out var problem))
        {
            return problem;
        }

        switch (op)
        {
            case "^":
                return Caret(version, comparators);
            case "~" or "~>":
                return Tilde(version, comparators);
            case "" or "=":
                if (version.IsComplete)
                {
                    comparators.Add(new(ComparatorOperator.Equal, version.ToVersion()));
                }
                else if (version.Major is not null)
                {
                    comparators.Add(new(ComparatorOperator.GreaterOrEqual, version.FillZeros()));
                    comparators.Add(new(ComparatorOperator.Less, version.NextLine()));
                }

                return null;
            case ">":
                if (version.IsComplete)
                {
                    comparators.Add(new(ComparatorOperator.Greater, version.ToVersion()));
                }
                else if (version.Major is null)
                {
                    comparators.Add(new(ComparatorOperator.Less, Lowest)); // nothing is above every version
                }
                else
                {
                    comparators.Add(new(ComparatorOperator.GreaterOrEqual, Release(version.NextLine())));
                }

                return null;
            case ">=":
                if (version.Major is not null)
                {
                    comparators.Add(new(ComparatorOperator.GreaterOrEqual, version.IsComplete ? version.ToVersion() : version.FillZeros()));
                }

                return null;
            case "<":
                if (version.IsComplete)
                {
                    comparators.Add(new(ComparatorOperator.Less, version.ToVersion()));
                }
                else
                {
                    comparators.Add(new(ComparatorOperator.Less, version.Major is null ? Lowest : Lowest4(version.FillZeros())));
                }

                return null;
            default: // "<="
                if (version.IsComplete)
                {
                    comparators.Add(new(ComparatorOperator.LessOrEqual, version.ToVersion()));
                }
                else if (version.Major is not null)
                {
                    comparators.Add(new(ComparatorOperator.Less, version.NextLine()));
                }

                return null;
        }
    }

    // ^1.2.3 := >=1.2.3 <2.0.0-0; ^0.2.3 := >=0.2.3 <0.3.0-0; ^0.0.3 := >=0.0.3 <0.0.4-0 (npm semantics).
    private static string? Caret(PartialVersion version, List<VersionComparator> comparators)
    {
        if (version.Major is not { } major)
        {
            return "^ needs at least a major version, e.g. ^1";
        }

        comparators.Add(new(ComparatorOperator.GreaterOrEqual, version.IsComplete ? version.ToVersion() : version.FillZeros()));
        NuGetVersion upper;
        if (major > 0 || version.Minor is null)
        {
            upper = new NuGetVersion(major + 1, 0, 0, "0");
        }
        else if (version.Minor > 0 || version.Patch is null)
        {
            upper = new NuGetVersion(0, version.Minor.Value + 1, 0, "0");
        }
        else
        {
            upper = new NuGetVersion(0, 0, version.Patch.Value + 1, "0");
        }

        comparators.Add(new(ComparatorOperator.Less, upper));
        return null;
    }

    // ~1.2.3 := >=1.2.3 <1.3.0-0; ~1 := >=1.0.0 <2.0.0-0.
    private static string? Tilde(PartialVersion version, List<VersionComparator> comparators)
    {
        if (version.Major is not { } major)
        {
            return "~ needs at least a major version, e.g. ~1.2";
        }

        comparators.Add(new(ComparatorOperator.GreaterOrEqual, version.IsComplete ? version.ToVersion() : version.FillZeros()));
        comparators.Add(new(ComparatorOperator.Less, version.Minor is { } minor ? new NuGetVersion(major, minor + 1, 0, "0") : new NuGetVersion(major + 1, 0, 0, "0")));
        return null;
    }

    private static NuGetVersion Release(NuGetVersion version) => new(version.Major, version.Minor, version.Patch);

    private static NuGetVersion Lowest4(NuGetVersion version) => new(version.Major, version.Minor, version.Patch, "0");

    [GeneratedRegex(@"^\s*(?<from>\S+)\s+-\s+(?<to>\S+)\s*$")]
    private static partial Regex HyphenRange();

    [GeneratedRegex(@"^(<=|>=|<|>|=|\^|~>|~)$")]
    private static partial Regex OperatorOnly();

    [GeneratedRegex(@"^(?<op><=|>=|<|>|=|\^|~>|~)?(?<version>.+)$")]
    private static partial Regex Comparator();
}

using System.Text;
using System.Text.RegularExpressions;

namespace Plugboard.Manifests.Text;

/// <summary>
/// Builds and splits field paths: <c>contracts[0].version</c> in manifests, <c>$.servers[1].port</c>
/// in configuration. Names that are not simple identifiers are written <c>['a b']</c>.
/// </summary>
internal static partial class FieldPath
{
    /// <summary>The path of a property under <paramref name="parent"/> ("" for the top of a manifest, "$" for a JSON root).</summary>
    public static string Property(string parent, string name)
    {
        if (SimpleName().IsMatch(name))
        {
            return parent.Length == 0 ? name : $"{parent}.{name}";
        }

        var escaped = name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal);
        return $"{parent}['{escaped}']";
    }

    /// <summary>The path of a list item.</summary>
    public static string Index(string parent, int index) => $"{parent}[{index}]";

    /// <summary>Splits a path into names (string) and indexes (int); a leading <c>$</c> is skipped.</summary>
    public static IReadOnlyList<object> Split(string path)
    {
        var segments = new List<object>();
        var i = path.StartsWith('$') ? 1 : 0;
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                i++;
                continue;
            }

            if (path[i] == '[' && i + 1 < path.Length && path[i + 1] == '\'')
            {
                var name = new StringBuilder();
                i += 2;
                while (i < path.Length && path[i] != '\'')
                {
                    if (path[i] == '\\' && i + 1 < path.Length)
                    {
                        i++;
                    }

                    name.Append(path[i++]);
                }

                segments.Add(name.ToString());
                i += 2; // the closing quote and bracket
                continue;
            }

            if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                {
                    break;
                }

                if (int.TryParse(path.AsSpan(i + 1, end - i - 1), out var index))
                {
                    segments.Add(index);
                }

                i = end + 1;
                continue;
            }

            var stop = path.IndexOfAny(['.', '['], i);
            stop = stop < 0 ? path.Length : stop;
            segments.Add(path[i..stop]);
            i = stop;
        }

        return segments;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex SimpleName();
}

using System.Text.RegularExpressions;

namespace Plugboard.Docs.Tests;

/// <summary>
/// One ```csharp block of a guide, with the marker on the line before its fence that says how it is compiled:
/// <list type="bullet">
/// <item><c>&lt;!-- snippet: file --&gt;</c>: a whole C# file (types, with their usings);</item>
/// <item><c>&lt;!-- snippet: program --&gt;</c>: a program's top-level statements (<c>args</c> in scope);</item>
/// <item><c>&lt;!-- snippet: members --&gt;</c>: members, wrapped into a class;</item>
/// <item><c>&lt;!-- snippet: statements (PARAMETERS) --&gt;</c>: statements, the body of an async method whose parameters
/// (C# syntax, e.g. <c>HostApplicationBuilder builder, CancellationToken cancellationToken</c>) are the variables the block uses.</item>
/// </list>
/// A marker may add <c>; using A.B, C.D</c> for namespaces the block takes as imported.
/// </summary>
public sealed partial record GuideSnippet(string File, int Line, string Kind, string Parameters, IReadOnlyList<string> Usings, string Code)
{
    public override string ToString() => $"{File}:{Line}";

    public static IEnumerable<GuideSnippet> Read(string repository, string relativePath)
    {
        var lines = System.IO.File.ReadAllLines(Path.Combine(repository, relativePath));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```csharp")
            {
                continue;
            }

            var start = i;
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            if (end < 0)
            {
                throw new FormatException($"{relativePath}:{start + 1}: the ```csharp block is never closed");
            }

            var marker = start > 0 ? Marker().Match(lines[start - 1]) : Match.Empty;
            if (!marker.Success)
            {
                throw new FormatException(
                    $"{relativePath}:{start + 1}: a ```csharp block without a marker on the line before it: write <!-- snippet: file -->, " +
                    "<!-- snippet: program -->, <!-- snippet: members --> or <!-- snippet: statements (Type name, …) --> (see tests/Plugboard.Docs.Tests/GuideSnippet.cs)");
            }

            var usings = marker.Groups["usings"].Success
                ? marker.Groups["usings"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : [];
            yield return new GuideSnippet(relativePath, start + 1, marker.Groups["kind"].Value, marker.Groups["parameters"].Value, usings,
                string.Join('\n', lines[(start + 1)..end]));
            i = end;
        }
    }

    [GeneratedRegex(@"^<!--\s*snippet:\s*(?<kind>file|members|statements|program)\s*(\((?<parameters>[^)]*(\([^)]*\))?[^)]*)\))?\s*(;\s*using\s+(?<usings>[^-]+?))?\s*-->\s*$")]
    private static partial Regex Marker();
}

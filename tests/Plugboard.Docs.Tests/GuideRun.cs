using System.Text.RegularExpressions;

namespace Plugboard.Docs.Tests;

/// <summary>
/// One block of a guide marked <c>&lt;!-- run --&gt;</c> on the line before its fence, run by <see cref="GuideRunTests"/>
/// in a scratch folder that every run block of the same guide shares, in the order they appear:
/// <list type="bullet">
/// <item>```sh: the block is a bash script (<c>set -euo pipefail</c>) that must exit 0;</item>
/// <item>```console: each line starting with <c>$ </c> is a command that must exit 0, and the lines up to the next
/// command are what it prints (stdout and stderr), where <c>…</c> inside a line matches any text and a line that is
/// only <c>…</c> matches any number of lines.</item>
/// </list>
/// </summary>
public sealed record GuideRun(string File, int Line, string Language, string Code)
{
    public override string ToString() => $"{File}:{Line}";

    public static IEnumerable<GuideRun> Read(string repository, string relativePath)
    {
        var lines = System.IO.File.ReadAllLines(Path.Combine(repository, relativePath));
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i - 1].Trim() != "<!-- run -->")
            {
                continue;
            }

            var language = lines[i].Trim() switch
            {
                "```sh" => "sh",
                "```console" => "console",
                _ => throw new FormatException($"{relativePath}:{i + 1}: <!-- run --> must be followed by a ```sh or ```console block"),
            };
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
            if (end < 0)
            {
                throw new FormatException($"{relativePath}:{i + 1}: the ```{language} block is never closed");
            }

            yield return new GuideRun(relativePath, i + 1, language, string.Join('\n', lines[(i + 1)..end]));
            i = end;
        }
    }

    /// <summary>A ```console block's commands, each with the lines it is shown to print.</summary>
    public IReadOnlyList<(string Command, IReadOnlyList<string> Output)> Commands()
    {
        var commands = new List<(string, IReadOnlyList<string>)>();
        List<string>? output = null;
        foreach (var line in Code.Split('\n'))
        {
            if (line.StartsWith("$ ", StringComparison.Ordinal))
            {
                output = [];
                commands.Add((line[2..], output));
            }
            else if (output is null)
            {
                throw new FormatException($"{this}: a ```console block to run starts with a '$ ' command line");
            }
            else
            {
                output.Add(line);
            }
        }

        return commands;
    }

    /// <summary>Whether <paramref name="actual"/> (lines) is what <paramref name="expected"/> shows, with its <c>…</c> wildcards.</summary>
    public static bool Matches(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var pattern = string.Concat(TrimBlankEnd(expected).Select(line => line.Trim() == "…"
            ? "(?:[^\n]*\n)*?"
            : string.Join("[^\n]*?", line.TrimEnd().Split('…').Select(Regex.Escape)) + "\n"));
        var text = string.Concat(TrimBlankEnd(actual).Select(l => l.TrimEnd() + "\n"));
        return Regex.IsMatch(text, $"^{pattern}\\z", RegexOptions.None, TimeSpan.FromSeconds(10));
    }

    private static IEnumerable<string> TrimBlankEnd(IReadOnlyList<string> lines)
    {
        var count = lines.Count;
        while (count > 0 && string.IsNullOrWhiteSpace(lines[count - 1]))
        {
            count--;
        }

        return lines.Take(count);
    }
}

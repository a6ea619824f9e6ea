using System.Text;

namespace Plugboard.Hosting.Rpc.Processes;

/// <summary>
/// The program and arguments a process plugin is started with, read from its manifest entry without a shell:
/// either a path inside the plugin folder (<c>bin/my-plugin</c>) or a command line (<c>node index.js</c>,
/// <c>dotnet MyPlugin.dll</c>). Arguments are split on spaces; single or double quotes keep spaces in one
/// argument, and a backslash escapes the next character inside double quotes.
/// </summary>
/// <param name="Program">The executable: an absolute path when it is in the plugin folder, else a name looked up on PATH.</param>
/// <param name="Arguments">The arguments, in order.</param>
public sealed record PluginCommand(string Program, IReadOnlyList<string> Arguments)
{
    /// <summary>Parses <paramref name="entry"/>; a program naming a file of <paramref name="pluginDirectory"/> becomes its absolute path.</summary>
    /// <exception cref="FormatException">The entry is empty or has an unclosed quote.</exception>
    public static PluginCommand Parse(string entry, string pluginDirectory)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(pluginDirectory);
        var words = Split(entry);
        if (words.Count == 0)
        {
            throw new FormatException("the entry is empty; give the executable to start, e.g. 'bin/my-plugin' or 'node index.js'");
        }

        var program = words[0];
        var local = Path.GetFullPath(Path.Combine(pluginDirectory, program));
        var looksLikePath = program.Contains('/', StringComparison.Ordinal) || program.Contains('\\', StringComparison.Ordinal);
        if (looksLikePath || File.Exists(local))
        {
            program = local;
        }

        return new PluginCommand(program, words.Skip(1).ToList());
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(' ', new[] { Program }.Concat(Arguments).Select(Quote));

    private static List<string> Split(string entry)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char? quote = null;
        for (var i = 0; i < entry.Length; i++)
        {
            var c = entry[i];
            if (quote is null && char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (quote is null && c is '"' or '\'')
            {
                quote = c;
            }
            else if (quote == c)
            {
                quote = null;
            }
            else if (quote == '"' && c == '\\' && i + 1 < entry.Length)
            {
                word.Append(entry[++i]);
            }
            else
            {
                word.Append(c);
            }
        }

        if (quote is not null)
        {
            throw new FormatException($"the entry '{entry}' has an unclosed {quote} quote");
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static string Quote(string word) => word.Length == 0 || word.Any(char.IsWhiteSpace) ? $"\"{word}\"" : word;
}

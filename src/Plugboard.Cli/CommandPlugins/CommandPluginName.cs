using System.Text.RegularExpressions;
using Plugboard.Cli.Console;

namespace Plugboard.Cli.CommandPlugins;

/// <summary>
/// The names of command plugins. Checked before they become part of a path or an executable name, so nothing
/// typed can reach outside the plugins folder (<c>../x</c>, <c>/bin/sh</c>, <c>.hidden</c>).
/// </summary>
/// <remarks>
/// As in kubectl, the words of a command map to an executable's name by joining them with dashes, and a dash
/// inside a word becomes an underscore: <c>plugboard foo bar</c> is <c>plugboard-foo-bar</c> and
/// <c>plugboard foo-bar</c> is <c>plugboard-foo_bar</c>. An installed plugin's id is its words joined with
/// dashes, so the id <c>foo-bar</c> answers both <c>plugboard foo bar</c> and <c>plugboard foo-bar</c>.
/// </remarks>
internal static partial class CommandPluginName
{
    /// <summary>The prefix of a command plugin's executable on PATH: <c>plugboard-NAME</c>.</summary>
    public const string ExecutablePrefix = "plugboard-";

    /// <summary>The prefix of the executable that completes a plugin's arguments: <c>plugboard_complete-NAME</c> (kubectl's convention).</summary>
    public const string CompletionPrefix = "plugboard_complete-";

    /// <summary>The most words a command plugin's name may have; longer command lines are matched on their first words.</summary>
    public const int MaxWords = 8;

    /// <summary>Whether <paramref name="name"/> is a valid plugin id of an installed command plugin.</summary>
    public static bool IsValid(string? name) => name is { Length: > 0 and <= 64 } && Pattern().IsMatch(name);

    /// <summary>Whether one word of a command line may become part of an executable's name: no path separator, no leading dot.</summary>
    public static bool IsValidWord(string? word) => word is { Length: > 0 and <= 64 } && WordPattern().IsMatch(word);

    /// <summary>Whether an executable's name after <see cref="ExecutablePrefix"/> (e.g. <c>foo-bar_baz</c>) is a command plugin's name.</summary>
    public static bool IsValidFileName(string? name)
        => name is { Length: > 0 and <= 128 } && name.Split('-').All(part => part.Length > 0 && IsValidWord(part));

    /// <summary>The executable name's part after the prefix for these command words: <c>[foo, bar-baz]</c> → <c>foo-bar_baz</c>.</summary>
    public static string FileNameOf(IEnumerable<string> words) => string.Join('-', words.Select(w => w.Replace('-', '_')));

    /// <summary>The command words of an executable name's part after the prefix: <c>foo-bar_baz</c> → <c>[foo, bar-baz]</c>.</summary>
    public static IReadOnlyList<string> WordsOf(string fileName) => [.. fileName.Split('-').Select(w => w.Replace('_', '-'))];

    /// <exception cref="CliException">A usage error naming the rule.</exception>
    public static void Check(string name, string what = "plugin name")
    {
        if (!IsValid(name))
        {
            throw CliException.Usage($"'{name}' is not a valid {what}: use lower-case letters, digits and '-', starting with a letter or digit (at most 64 characters).");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex Pattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex WordPattern();
}

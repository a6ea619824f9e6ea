using System.Text.RegularExpressions;
using Plugboard.Cli.Console;

namespace Plugboard.Cli.CommandPlugins;

/// <summary>
/// The name of a command plugin, as typed after <c>plugboard</c>. Checked before it becomes part of a path or
/// an executable name, so nothing typed can reach outside the plugins folder (<c>../x</c>, <c>/bin/sh</c>).
/// </summary>
internal static partial class CommandPluginName
{
    /// <summary>The prefix of a command plugin's executable on PATH: <c>plugboard-NAME</c>.</summary>
    public const string ExecutablePrefix = "plugboard-";

    public static bool IsValid(string? name) => name is { Length: > 0 and <= 64 } && Pattern().IsMatch(name);

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
}

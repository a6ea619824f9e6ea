using System.Collections;

namespace Plugboard.Cli.Console;

/// <summary>
/// What a command reads from its surroundings: environment variables, the working directory and the user's
/// home. Held in one object so tests run commands in-process, in parallel, each with its own surroundings.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Overrides <c>~/.plugboard</c>, the folder of command plugins and trusted keys.</summary>
    public const string HomeVariable = "PLUGBOARD_HOME";

    public CliEnvironment(IReadOnlyDictionary<string, string> variables, string workingDirectory)
    {
        Variables = variables;
        WorkingDirectory = Path.GetFullPath(workingDirectory);
    }

    public IReadOnlyDictionary<string, string> Variables { get; }

    public string WorkingDirectory { get; }

    /// <summary><c>$PLUGBOARD_HOME</c>, or <c>~/.plugboard</c>.</summary>
    public string PlugboardHome => Get(HomeVariable) is { Length: > 0 } home
        ? ResolvePath(home)
        : Path.Combine(UserHome, ".plugboard");

    /// <summary>Where command plugins are installed: <c>{home}/plugins/{name}/</c>.</summary>
    public string PluginsDirectory => Path.Combine(PlugboardHome, "plugins");

    /// <summary>The trust store used when a command is given none and this folder exists.</summary>
    public string DefaultTrustedKeysDirectory => Path.Combine(PlugboardHome, "trusted-keys");

    private string UserHome => Get("HOME") ?? Get("USERPROFILE") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public static CliEnvironment FromProcess()
    {
        var variables = new Dictionary<string, string>(OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            variables[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return new CliEnvironment(variables, Directory.GetCurrentDirectory());
    }

    public string? Get(string name) => Variables.TryGetValue(name, out var value) ? value : null;

    /// <summary>A path the user typed, made absolute against the working directory.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);
}

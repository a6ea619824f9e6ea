using Plugboard.Cli.Console;
using Plugboard.Manifests;

namespace Plugboard.Cli.CommandPlugins;

/// <summary>
/// Finds command plugins: installed ones in the plugins folder (<c>{home}/plugins/NAME/plugin.yaml</c> with
/// <c>runtime: command</c>), then executables named <c>plugboard-NAME</c> on PATH, matching the longest run of
/// command words first. An installed plugin wins over one on PATH with the same name; built-in commands win over both.
/// </summary>
internal sealed class CommandPluginCatalog(CliEnvironment environment)
{
    public string PluginsDirectory => environment.PluginsDirectory;

    /// <summary>The plugin named <paramref name="name"/> (one word), or null.</summary>
    public CommandPlugin? Find(string name) => Find([name])?.Plugin;

    /// <summary>
    /// The command plugin a command line names, kubectl's way: the longest run of leading words (up to the first
    /// flag) that names a plugin wins, so <c>foo bar --x 1</c> runs <c>foo-bar</c> when it exists, else <c>foo</c>
    /// with <c>bar --x 1</c>. For each length an installed plugin (id = the words joined with dashes) wins over
    /// an executable on PATH (<c>plugboard-</c> + the words joined with dashes, a dash in a word read as an underscore).
    /// </summary>
    /// <param name="args">The command line from the plugin's first word on.</param>
    /// <returns>The plugin and how many words of <paramref name="args"/> its name took; null when none matches.</returns>
    public CommandPluginMatch? Find(IReadOnlyList<string> args)
    {
        var words = args.TakeWhile(a => !a.StartsWith('-')).Take(CommandPluginName.MaxWords).ToList();
        for (var count = words.Count; count >= 1; count--)
        {
            var candidate = words.Take(count).ToList();
            if (!candidate.All(CommandPluginName.IsValidWord))
            {
                continue;
            }

            var id = string.Join('-', candidate);
            var folder = Path.Combine(PluginsDirectory, id);
            if (CommandPluginName.IsValid(id) && File.Exists(Path.Combine(folder, PluginManifest.FileName)))
            {
                return new CommandPluginMatch(ReadInstalled(folder), count);
            }

            if (FindOnPath(CommandPluginName.FileNameOf(candidate)) is { } onPath)
            {
                return new CommandPluginMatch(onPath, count);
            }
        }

        return null;
    }

    /// <summary>Every installed plugin (broken ones with their problem), by name.</summary>
    public IReadOnlyList<CommandPlugin> ListInstalled()
    {
        if (!Directory.Exists(PluginsDirectory))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(PluginsDirectory)
            .Where(d => CommandPluginName.IsValid(Path.GetFileName(d)) && File.Exists(Path.Combine(d, PluginManifest.FileName)))
            .Order(StringComparer.Ordinal)
            .Select(d => ReadInstalled(d))];
    }

    /// <summary>Every <c>plugboard-NAME</c> executable on PATH, first one per name, by name.</summary>
    public IReadOnlyList<CommandPlugin> ListOnPath()
        => [.. PathDirectories()
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, CommandPluginName.ExecutablePrefix + "*"))
            .Select(f => (File: f, Name: NameOf(f)))
            .Where(p => p.Name is not null && IsExecutable(p.File))
            .GroupBy(p => p.Name!, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => PathPlugin(g.Key, g.First().File))];

    /// <summary>Reads an installed plugin's folder; a plugin that cannot run is returned with its <see cref="CommandPlugin.Problem"/>.</summary>
    /// <param name="folder">The plugin folder.</param>
    /// <param name="name">The command name the plugin must have (its id); the folder name when null.</param>
    public static CommandPlugin ReadInstalled(string folder, string? name = null)
    {
        name ??= Path.GetFileName(folder);
        PluginManifest manifest;
        try
        {
            manifest = ManifestReader.ReadFile(folder);
        }
        catch (ManifestException ex)
        {
            return new CommandPlugin(name, CommandPluginOrigin.Installed, null, folder, null, [], ex.Message);
        }

        string? problem = null;
        string? executable = null;
        IReadOnlyList<string> fixedArguments = [];
        if (manifest.Runtime != PluginRuntimeKind.Command)
        {
            problem = $"its {PluginManifest.FileName} says runtime: {manifest.Runtime.ToString().ToLowerInvariant()}; a command plugin needs runtime: command.";
        }
        else if (manifest.Id != name)
        {
            problem = $"its {PluginManifest.FileName} has id '{manifest.Id}' but the plugin is named '{name}'; reinstall it with 'plugboard plugin install'.";
        }
        else if (manifest.ResolveEntry() is not { } entry || entry.Split(' ', StringSplitOptions.RemoveEmptyEntries) is not { Length: > 0 } parts)
        {
            problem = $"its {PluginManifest.FileName} has no entry for this platform ({System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}).";
        }
        else
        {
            var root = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
            var program = Path.GetFullPath(Path.Combine(folder, parts[0]));
            if (!program.StartsWith(root, StringComparison.Ordinal))
            {
                problem = $"its entry '{parts[0]}' points outside the plugin folder.";
            }
            else if (!File.Exists(program))
            {
                problem = $"its entry '{parts[0]}' does not exist in '{folder}'.";
            }
            else
            {
                executable = program;
                fixedArguments = parts[1..];
            }
        }

        return new CommandPlugin(name, CommandPluginOrigin.Installed, executable, folder, manifest, fixedArguments, problem);
    }

    /// <summary>The first executable <c>{prefix}{fileName}</c> on PATH, or null.</summary>
    public string? FindExecutableOnPath(string prefix, string fileName)
        => PathDirectories()
            .SelectMany(directory => ExecutableExtensions().Select(extension => Path.Combine(directory, prefix + fileName + extension)))
            .FirstOrDefault(file => File.Exists(file) && IsExecutable(file));

    private CommandPlugin? FindOnPath(string name)
        => FindExecutableOnPath(CommandPluginName.ExecutablePrefix, name) is { } file ? PathPlugin(name, file) : null;

    private static CommandPlugin PathPlugin(string name, string file) => new(name, CommandPluginOrigin.Path, file, null, null, [], null);

    private IEnumerable<string> PathDirectories()
        => (environment.Get("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(Path.IsPathFullyQualified);

    private IEnumerable<string> ExecutableExtensions()
        => OperatingSystem.IsWindows()
            ? (environment.Get("PATHEXT") ?? ".EXE;.CMD;.BAT").Split(';', StringSplitOptions.RemoveEmptyEntries)
            : [string.Empty];

    private string? NameOf(string file)
    {
        var name = Path.GetFileName(file)[CommandPluginName.ExecutablePrefix.Length..];
        if (OperatingSystem.IsWindows())
        {
            var extension = ExecutableExtensions().FirstOrDefault(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
            if (extension is null)
            {
                return null;
            }

            name = name[..^extension.Length];
        }

        return CommandPluginName.IsValidFileName(name) ? name : null;
    }

    private static bool IsExecutable(string file)
        => OperatingSystem.IsWindows()
           || (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}

/// <summary>A command plugin a command line names, and how many of its words the name took.</summary>
internal sealed record CommandPluginMatch(CommandPlugin Plugin, int WordCount);

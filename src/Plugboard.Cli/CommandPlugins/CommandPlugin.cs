using Plugboard.Manifests;

namespace Plugboard.Cli.CommandPlugins;

/// <summary>A command plugin found by <see cref="CommandPluginCatalog"/>.</summary>
/// <param name="Name">The command: <c>plugboard NAME …</c>.</param>
/// <param name="Origin">Installed in the plugins folder, or an executable on PATH.</param>
/// <param name="Executable">The program to start; null when the plugin is broken.</param>
/// <param name="Directory">The installed plugin's folder (null for PATH plugins).</param>
/// <param name="Manifest">The installed plugin's manifest (null for PATH plugins and broken ones).</param>
/// <param name="FixedArguments">Arguments the manifest's entry puts before the user's (<c>entry: bin/tool run</c>).</param>
/// <param name="Problem">Why the plugin cannot run, when it cannot.</param>
internal sealed record CommandPlugin(
    string Name,
    CommandPluginOrigin Origin,
    string? Executable,
    string? Directory,
    PluginManifest? Manifest,
    IReadOnlyList<string> FixedArguments,
    string? Problem)
{
    public string? Version => Manifest?.Version.ToFullString();

    /// <summary>The words that run it after <c>plugboard</c>: an installed plugin's id, or a PATH executable's name split at dashes (<c>foo-bar_baz</c> → <c>foo bar-baz</c>).</summary>
    public string Command => Origin == CommandPluginOrigin.Path ? string.Join(' ', CommandPluginName.WordsOf(Name)) : Name;

    public string? Description => Manifest?.Description.Get() ?? Manifest?.DisplayName.Get();
}

/// <summary>Where a command plugin was found.</summary>
internal enum CommandPluginOrigin
{
    /// <summary>In the plugins folder (<c>~/.plugboard/plugins/NAME/</c>), with a manifest.</summary>
    Installed,

    /// <summary>An executable <c>plugboard-NAME</c> on PATH, as kubectl finds its plugins.</summary>
    Path,
}

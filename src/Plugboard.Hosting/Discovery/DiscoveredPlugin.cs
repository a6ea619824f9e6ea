using Plugboard.Manifests;

namespace Plugboard.Hosting.Discovery;

/// <summary>A plugin folder found in the plugins directory: its manifest, or why it could not be read.</summary>
/// <param name="Directory">The plugin folder (absolute).</param>
/// <param name="Manifest">The manifest, when it could be read.</param>
/// <param name="Errors">Why the manifest could not be read, with field paths or line numbers.</param>
public sealed record DiscoveredPlugin(string Directory, PluginManifest? Manifest, IReadOnlyList<PluginError> Errors)
{
    /// <summary>Whether the manifest was read and is valid.</summary>
    public bool IsValid => Manifest is not null;

    /// <summary>The manifest's id, or the folder name when it could not be read.</summary>
    public string Id => Manifest?.Id ?? Path.GetFileName(Directory);
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Plugboard.Manifests;

namespace Plugboard.Hosting.Runtimes;

/// <summary>What a runtime needs to load one version of a plugin.</summary>
public sealed class PluginLoadRequest
{
    /// <summary>The plugin's manifest.</summary>
    public required PluginManifest Manifest { get; init; }

    /// <summary>The plugin folder (absolute).</summary>
    public required string Directory { get; init; }

    /// <summary>
    /// The host's contract types this plugin declares; the loaded instance must implement each of them.
    /// </summary>
    public required IReadOnlyList<Type> Contracts { get; init; }

    /// <summary>The configuration, validated against the manifest's schema with defaults applied.</summary>
    public required JsonObject Configuration { get; init; }

    /// <summary>The plugin's logger, scoped with its id and version.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>Fires when the host begins to stop or unload this version.</summary>
    public CancellationToken Stopping { get; init; }

    /// <summary>Services the host shares with plugins; may be null.</summary>
    public IServiceProvider? HostServices { get; init; }
}

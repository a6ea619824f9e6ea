using System.Text.Json.Nodes;
using NuGet.Versioning;
using Plugboard.Manifests.Schema;
using Plugboard.Manifests.Versioning;

namespace Plugboard.Manifests;

/// <summary>
/// A plugin's <c>plugin.yaml</c>, parsed and validated: who the plugin is, what it implements, how it
/// runs, how it is configured and upgraded. Read one with <see cref="ManifestReader"/>.
/// </summary>
public sealed record PluginManifest
{
    /// <summary>The file name every plugin carries at its root.</summary>
    public const string FileName = "plugin.yaml";

    /// <summary>The plugin id: lower-case letters, digits and dashes, e.g. <c>custom-http</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The plugin version (SemVer 2).</summary>
    public required NuGetVersion Version { get; init; }

    /// <summary>The contracts the plugin implements, each with the contract versions it works with.</summary>
    public IReadOnlyList<ContractReference> Contracts { get; init; } = [];

    /// <summary>How the plugin runs.</summary>
    public PluginRuntimeKind Runtime { get; init; } = PluginRuntimeKind.Assembly;

    /// <summary>
    /// The entry point per platform: a runtime identifier (<c>linux-x64</c>, <c>win-x64</c>, …) or
    /// <c>default</c> mapped to a path relative to the plugin folder (an assembly, an executable or a
    /// command line), or to an address for the <c>endpoint</c> runtime.
    /// </summary>
    public IReadOnlyDictionary<string, string> Entry { get; init; } = new Dictionary<string, string>();

    /// <summary>The display name per language (<c>en</c>, <c>zh-CN</c>, …).</summary>
    public LocalizedText DisplayName { get; init; } = LocalizedText.Empty;

    /// <summary>The description per language.</summary>
    public LocalizedText Description { get; init; } = LocalizedText.Empty;

    /// <summary>Who provides the plugin.</summary>
    public string? Provider { get; init; }

    /// <summary>Free tags for search and grouping.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>What the plugin can do, as declared (e.g. <c>incremental: true</c>).</summary>
    public JsonObject Capabilities { get; init; } = new();

    /// <summary>The configuration schema, or null when the plugin takes no configuration.</summary>
    public ConfigSchema? ConfigSchema { get; init; }

    /// <summary>The installed versions this version may upgrade from; null means any older version.</summary>
    public VersionRangeSpec? SupportedUpgradeFrom { get; init; }

    /// <summary>Other plugins that must be active before this one.</summary>
    public IReadOnlyList<PluginDependency> Dependencies { get; init; } = [];

    /// <summary>Programs a command plugin runs on install, update and uninstall; null when it declares none.</summary>
    public PluginHooks? Hooks { get; init; }

    /// <summary>The folder the manifest was read from, when it was read from disk.</summary>
    public string? Directory { get; init; }

    /// <summary>
    /// The entry for the given runtime identifier: an exact match, then the match for the OS part
    /// (<c>linux</c> for <c>linux-x64</c>), then <c>default</c>; null when none applies.
    /// </summary>
    /// <param name="runtimeIdentifier">E.g. <c>linux-x64</c>; the current platform when null.</param>
    public string? ResolveEntry(string? runtimeIdentifier = null)
    {
        var rid = runtimeIdentifier ?? System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        if (Entry.TryGetValue(rid, out var exact))
        {
            return exact;
        }

        var dash = rid.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0 && Entry.TryGetValue(rid[..dash], out var os))
        {
            return os;
        }

        return Entry.TryGetValue("default", out var fallback) ? fallback : null;
    }
}

/// <summary>How a plugin runs.</summary>
public enum PluginRuntimeKind
{
    /// <summary>In the host process, in its own collectible load context.</summary>
    Assembly,

    /// <summary>As a child process spoken to over gRPC.</summary>
    Process,

    /// <summary>An already running gRPC service (a container, a Kubernetes service).</summary>
    Endpoint,

    /// <summary>An executable the CLI forwards a sub-command to.</summary>
    Command,
}

/// <summary>A contract a plugin implements, e.g. <c>usersync.datasource</c> in versions <c>^1.0</c>.</summary>
/// <param name="Name">The contract name without version suffix.</param>
/// <param name="Versions">The contract versions the plugin works with.</param>
public sealed record ContractReference(string Name, VersionRangeSpec Versions);

/// <summary>A plugin that must be active before the declaring one.</summary>
/// <param name="Id">The id of the plugin depended on.</param>
/// <param name="Versions">Its versions that satisfy the dependency.</param>
public sealed record PluginDependency(string Id, VersionRangeSpec Versions);

using Plugboard.Manifests;

namespace Plugboard.Hosting.Runtimes;

/// <summary>
/// Runs plugins of one <see cref="PluginRuntimeKind"/>: the <c>assembly</c> runtime loads them into the
/// host process; a <c>process</c> runtime would start them and speak to them over gRPC. The host does
/// the rest of the lifecycle (configuration, Init, Verify, activation, retirement) the same way for all.
/// Register more with <see cref="PluginHost.AddRuntime"/>.
/// </summary>
public interface IPluginRuntime
{
    /// <summary>The kind of plugin this runtime runs.</summary>
    PluginRuntimeKind Kind { get; }

    /// <summary>
    /// Loads (or starts) one version of a plugin and creates its instance; does not call Init.
    /// </summary>
    /// <param name="request">The manifest, folder, validated configuration and contracts wanted.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <exception cref="PluginLoadException">The plugin cannot be loaded; the message says what to do.</exception>
    ValueTask<LoadedPlugin> LoadAsync(PluginLoadRequest request, CancellationToken cancellationToken);
}

namespace Plugboard.Hosting.Runtimes;

/// <summary>
/// One loaded version of a plugin, as a runtime hands it to the host: the instance, the context it will
/// be initialized with, and how to release it.
/// </summary>
public abstract class LoadedPlugin
{
    /// <summary>The plugin id.</summary>
    public abstract string Id { get; }

    /// <summary>The object that implements the plugin's contracts (and, optionally, <see cref="IPlugin"/>).</summary>
    public abstract object Implementation { get; }

    /// <summary>The context passed to <see cref="IPlugin.InitAsync"/>.</summary>
    public abstract PluginContext Context { get; }

    /// <summary>The class the configuration is bound to; null when the plugin has none.</summary>
    public abstract Type? ConfigType { get; }

    /// <summary>
    /// Disposes the instance and releases what the runtime holds for it (a load context, a process).
    /// Called once no call runs on this version any more.
    /// </summary>
    /// <param name="timeout">How long to wait for the release to be complete.</param>
    /// <returns>Whether the release is complete (for an assembly plugin: its load context was collected).</returns>
    public abstract Task<bool> UnloadAsync(TimeSpan timeout);
}

namespace Plugboard.Hosting;

/// <summary>
/// The plugins of one contract, by id: built-in ones the host registered in code and third-party ones
/// loaded from the plugins folder. Inject it (<c>IPluginRegistry&lt;IDataSource&gt;</c>) after
/// <c>AddContract&lt;IDataSource&gt;()</c>, or take it from <see cref="PluginHost.Registry{TContract}"/>.
/// </summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
public interface IPluginRegistry<TContract> where TContract : class
{
    /// <summary>The contract's id, e.g. <c>usersync.datasource/v1</c>.</summary>
    string ContractId { get; }

    /// <summary>The ids of the plugins that are active now.</summary>
    IReadOnlyCollection<string> Ids { get; }

    /// <summary>Whether a plugin with this id is active.</summary>
    /// <param name="id">The plugin id.</param>
    bool Exists(string id);

    /// <summary>
    /// A stable object implementing <typeparamref name="TContract"/> that routes every call to the
    /// plugin's current version: after a hot reload, calls go to the new version while calls already
    /// running finish on the old one. Keep it as long as you like.
    /// </summary>
    /// <param name="id">The plugin id.</param>
    /// <exception cref="PluginNotAvailableException">No plugin with this id is active (the message says why).</exception>
    TContract Get(string id);

    /// <summary>Like <see cref="Get"/>, without throwing.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="plugin">The routing object, when the plugin is active.</param>
    bool TryGet(string id, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TContract? plugin);

    /// <summary>
    /// A lease on the current version's own instance: that version is not disposed or unloaded before
    /// the lease is disposed. Use it for a batch of calls that must reach one version; keep it short.
    /// </summary>
    /// <param name="id">The plugin id.</param>
    /// <exception cref="PluginNotAvailableException">No plugin with this id is active.</exception>
    PluginLease<TContract> Acquire(string id);

    /// <summary>
    /// The class the plugin binds its configuration to (its <see cref="PluginAttribute.ConfigType"/> or
    /// the type argument of <see cref="PluginBase{TConfig}"/>); null when it has none or is not active.
    /// A class from a plugin's own load context is described by name only, so that it cannot pin that context.
    /// </summary>
    /// <param name="id">The plugin id.</param>
    PluginConfigType? GetConfigType(string id);

    /// <summary>
    /// The status of a plugin of this contract: phase, version, verification, metadata, the last error
    /// and the recorded events. Also for plugins that failed.
    /// </summary>
    /// <param name="id">The plugin id.</param>
    /// <exception cref="PluginNotAvailableException">No plugin with this id is known for this contract.</exception>
    PluginStatus GetStatus(string id);

    /// <summary>The status of every plugin known for this contract, active or not.</summary>
    IReadOnlyList<PluginStatus> Statuses { get; }

    /// <summary>Raised when a plugin of this contract is added, replaced by a new version, removed or fails, and when it stops or resumes serving.</summary>
    event EventHandler<PluginChangedEventArgs>? Changed;
}

using System.Collections;
using System.Text.Json.Nodes;

namespace Plugboard.Hosting;

/// <summary>The settings of one plugin id.</summary>
public sealed class PluginOptions
{
    /// <summary>
    /// The plugin's configuration; validated against the manifest's config schema (defaults applied)
    /// before the plugin sees it. Secret values in it are never logged.
    /// </summary>
    public JsonObject? Configuration { get; set; }

    /// <summary>Whether the plugin is loaded; a disabled plugin stays <see cref="PluginPhase.Discovered"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Set when <see cref="Configuration"/> came from <c>IConfiguration</c>, where every value is text:
    /// values are then converted to the types the config schema asks for before validation.
    /// </summary>
    internal bool ConfigurationIsText { get; set; }
}

/// <summary>
/// Settings per plugin id (ordinal, case-sensitive ids). Reading never adds: <c>options.Plugins.GetOrAdd("custom-http").Configuration = …</c>
/// adds an id's settings when missing, <c>options.Plugins["custom-http"] = new PluginOptions { … }</c> sets them.
/// </summary>
public sealed class PluginOptionsCollection : IEnumerable<KeyValuePair<string, PluginOptions>>
{
    private readonly Dictionary<string, PluginOptions> _byId = new(StringComparer.Ordinal);

    /// <summary>The settings of <paramref name="id"/>.</summary>
    /// <param name="id">The plugin id.</param>
    /// <exception cref="KeyNotFoundException">There are none for the id (getting); use <see cref="GetOrAdd"/> or <see cref="TryGet"/>.</exception>
    public PluginOptions this[string id]
    {
        get
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id);
            return _byId.TryGetValue(id, out var options)
                ? options
                : throw new KeyNotFoundException($"There are no settings for plugin '{id}'; add them with Plugins.GetOrAdd(\"{id}\") or Plugins[\"{id}\"] = new PluginOptions {{ … }}, or read with TryGet.");
        }

        set
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id);
            ArgumentNullException.ThrowIfNull(value);
            _byId[id] = value;
        }
    }

    /// <summary>The ids with settings.</summary>
    public IReadOnlyCollection<string> Ids => _byId.Keys;

    /// <summary>The settings of <paramref name="id"/>, added (enabled, no configuration) when missing.</summary>
    /// <param name="id">The plugin id.</param>
    public PluginOptions GetOrAdd(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (!_byId.TryGetValue(id, out var options))
        {
            options = new PluginOptions();
            _byId[id] = options;
        }

        return options;
    }

    /// <summary>The settings of <paramref name="id"/> when there are any, without adding.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="options">The settings found.</param>
    public bool TryGet(string id, out PluginOptions options) => _byId.TryGetValue(id, out options!);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, PluginOptions>> GetEnumerator() => _byId.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

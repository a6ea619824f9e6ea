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
/// Settings per plugin id (ordinal, case-sensitive ids). The indexer adds an entry for an id it does not
/// have, so <c>options.Plugins["custom-http"].Configuration = …</c> works without a prior add.
/// </summary>
public sealed class PluginOptionsCollection : IEnumerable<KeyValuePair<string, PluginOptions>>
{
    private readonly Dictionary<string, PluginOptions> _byId = new(StringComparer.Ordinal);

    /// <summary>The settings of <paramref name="id"/>, added when missing.</summary>
    /// <param name="id">The plugin id.</param>
    public PluginOptions this[string id]
    {
        get
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(id);
            if (!_byId.TryGetValue(id, out var options))
            {
                options = new PluginOptions();
                _byId[id] = options;
            }

            return options;
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

    /// <summary>The settings of <paramref name="id"/> when there are any, without adding.</summary>
    /// <param name="id">The plugin id.</param>
    /// <param name="options">The settings found.</param>
    public bool TryGet(string id, out PluginOptions options) => _byId.TryGetValue(id, out options!);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, PluginOptions>> GetEnumerator() => _byId.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

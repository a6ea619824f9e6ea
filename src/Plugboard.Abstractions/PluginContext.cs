using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Plugboard;

/// <summary>
/// What a plugin receives at <see cref="IPlugin.InitAsync"/>: who it is, where to log, its configuration
/// (already validated against the plugin's schema, with defaults applied) and a signal that fires when
/// the host stops it.
/// </summary>
public sealed class PluginContext
{
    /// <summary>The plugin id, e.g. <c>custom-http</c>.</summary>
    public required string PluginId { get; init; }

    /// <summary>The plugin version (SemVer 2).</summary>
    public required string Version { get; init; }

    /// <summary>A logger whose scope carries the plugin id and version.</summary>
    public required ILogger Logger { get; init; }

    /// <summary>The validated configuration with defaults applied; an empty object when there is none.</summary>
    public JsonObject Configuration { get; init; } = new();

    /// <summary>
    /// The configuration bound to the plugin's config class (see <see cref="PluginAttribute.ConfigType"/>),
    /// when the host knows that class; null otherwise.
    /// </summary>
    public object? TypedConfiguration { get; init; }

    /// <summary>Fires when the host begins to stop or unload this plugin.</summary>
    public CancellationToken Stopping { get; init; }

    /// <summary>Services the host chooses to share with plugins; may be null.</summary>
    public IServiceProvider? HostServices { get; init; }

    /// <summary>
    /// Returns the configuration as <typeparamref name="T"/>: the object the host bound when it is of that
    /// type, or else a fresh deserialization of <see cref="Configuration"/> (property names case-insensitive).
    /// </summary>
    /// <typeparam name="T">The plugin's config class.</typeparam>
    public T GetConfiguration<T>() where T : class, new()
    {
        if (TypedConfiguration is T typed)
        {
            return typed;
        }

        // A fresh options object per call: a shared one would cache metadata of the plugin's types
        // and keep its collectible load context alive after unload.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        return Configuration.Deserialize<T>(options) ?? new T();
    }
}

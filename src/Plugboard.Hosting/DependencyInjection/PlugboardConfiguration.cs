using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Plugboard.Hosting;

/// <summary>
/// Reads <see cref="PlugboardOptions"/> from a configuration section (usually <c>Plugboard</c>):
/// <c>PluginsDirectory</c>, <c>IdPrefix</c>, <c>WatchForChanges</c>, the timeouts (<c>00:00:30</c>),
/// <c>SharedAssemblies</c>, and per plugin <c>Plugins:{id}:Enabled</c> and
/// <c>Plugins:{id}:Configuration</c> (any shape; converted to the config schema's types).
/// </summary>
internal static class PlugboardConfiguration
{
    public static void Apply(IConfiguration section, PlugboardOptions options)
    {
        options.PluginsDirectory = section[nameof(PlugboardOptions.PluginsDirectory)] ?? options.PluginsDirectory;
        options.IdPrefix = section[nameof(PlugboardOptions.IdPrefix)] ?? options.IdPrefix;
        options.WatchForChanges = ReadBool(section, nameof(PlugboardOptions.WatchForChanges)) ?? options.WatchForChanges;
        options.ReloadDebounce = ReadTime(section, nameof(PlugboardOptions.ReloadDebounce)) ?? options.ReloadDebounce;
        options.RescanInterval = ReadTime(section, nameof(PlugboardOptions.RescanInterval)) ?? options.RescanInterval;
        options.InitTimeout = ReadTime(section, nameof(PlugboardOptions.InitTimeout)) ?? options.InitTimeout;
        options.VerifyTimeout = ReadTime(section, nameof(PlugboardOptions.VerifyTimeout)) ?? options.VerifyTimeout;
        options.DrainTimeout = ReadTime(section, nameof(PlugboardOptions.DrainTimeout)) ?? options.DrainTimeout;
        options.UnloadTimeout = ReadTime(section, nameof(PlugboardOptions.UnloadTimeout)) ?? options.UnloadTimeout;
        foreach (var shared in section.GetSection(nameof(PlugboardOptions.SharedAssemblies)).GetChildren())
        {
            if (!string.IsNullOrWhiteSpace(shared.Value))
            {
                options.SharedAssemblies.Add(shared.Value);
            }
        }

        foreach (var plugin in section.GetSection(nameof(PlugboardOptions.Plugins)).GetChildren())
        {
            var settings = options.Plugins[plugin.Key];
            settings.Enabled = ReadBool(plugin, nameof(PluginOptions.Enabled)) ?? settings.Enabled;
            var configuration = plugin.GetSection(nameof(PluginOptions.Configuration));
            if (configuration.Exists())
            {
                settings.Configuration = ToJsonObject(configuration);
                settings.ConfigurationIsText = true;
            }
        }
    }

    /// <summary>A configuration section as a JSON object; sections keyed 0, 1, 2… become arrays.</summary>
    public static JsonObject ToJsonObject(IConfiguration section)
    {
        var result = new JsonObject();
        foreach (var child in section.GetChildren())
        {
            result[child.Key] = ToJsonNode(child);
        }

        return result;
    }

    private static JsonNode? ToJsonNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        if (children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(ToJsonNode(child));
            }

            return array;
        }

        return ToJsonObject(section);
    }

    private static bool? ReadBool(IConfiguration section, string key) =>
        section[key] is { } text ? bool.TryParse(text, out var value) ? value : throw Invalid(section, key, text, "true or false") : null;

    private static TimeSpan? ReadTime(IConfiguration section, string key) =>
        section[key] is { } text
            ? TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid(section, key, text, "a time span such as 00:00:30")
            : null;

    private static InvalidOperationException Invalid(IConfiguration section, string key, string text, string expected)
    {
        var path = section is IConfigurationSection s ? $"{s.Path}:{key}" : key;
        return new InvalidOperationException($"Configuration value '{text}' at {path} is not valid: expected {expected}.");
    }
}

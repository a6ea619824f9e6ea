using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Plugboard.Hosting;

/// <summary>
/// Reads the per-plugin part of the <c>Plugboard</c> section, which the configuration binder cannot: under
/// <c>Plugins:{id}</c>, <c>Enabled</c> and <c>Configuration</c> of any shape, kept as JSON (values are text there,
/// converted to the config schema's types before validation). The rest of the section is bound by the binder.
/// </summary>
internal static class PluginSettingsConfiguration
{
    public static void Read(IConfiguration section, PlugboardOptions options)
    {
        foreach (var plugin in section.GetSection(nameof(PlugboardOptions.Plugins)).GetChildren())
        {
            var settings = options.Plugins.GetOrAdd(plugin.Key);
            if (plugin[nameof(PluginOptions.Enabled)] is { } enabled)
            {
                settings.Enabled = bool.TryParse(enabled, out var value)
                    ? value
                    : throw new InvalidOperationException($"Configuration value '{enabled}' at {plugin.Path}:{nameof(PluginOptions.Enabled)} is not valid: expected true or false.");
            }

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
}

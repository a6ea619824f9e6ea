using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Plugboard.Manifests.Schema;

/// <summary>Binds validated configuration to a plugin's config class (camelCase names, enums as text).</summary>
public static class ConfigBinder
{
    /// <summary>Binds <paramref name="value"/> to a new instance of <paramref name="configType"/>.</summary>
    /// <exception cref="ConfigBindingException">A value does not fit a property; names the path.</exception>
    public static object Bind(JsonObject value, Type configType)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(configType);

        // A fresh options instance per call: a shared one caches metadata for the plugin's types and
        // would keep its collectible load context alive after unload.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(), new DurationConverter() },
        };

        try
        {
            return value.Deserialize(configType, options)
                ?? throw new ConfigBindingException($"Configuration could not be bound to {configType.FullName}: the result was null.", "$", configType, null);
        }
        catch (JsonException ex)
        {
            var path = ex.Path ?? "$";
            throw new ConfigBindingException(
                $"Configuration does not fit {configType.FullName} at {path}: {Reason(ex)} Make the config schema and the config class agree.",
                path,
                configType,
                ex);
        }
        catch (NotSupportedException ex)
        {
            throw new ConfigBindingException(
                $"Configuration cannot be bound to {configType.FullName}: {ex.Message} Give the config class a public parameterless constructor and settable properties.",
                "$",
                configType,
                ex);
        }
    }

    /// <summary>Binds <paramref name="value"/> to a new <typeparamref name="T"/>.</summary>
    /// <exception cref="ConfigBindingException">A value does not fit a property; names the path.</exception>
    public static T Bind<T>(JsonObject value) => (T)Bind(value, typeof(T));

    // System.Text.Json appends "Path: $.x | LineNumber: 0 | ..." which the message already says better.
    private static string Reason(JsonException ex)
    {
        var message = ex.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}

using System.Text.Json.Nodes;

namespace Plugboard.Manifests.Schema;

/// <summary>
/// A plugin's configuration schema: a JSON Schema subset (type, properties, required, default, enum,
/// const, minimum/maximum, exclusiveMinimum/exclusiveMaximum, minLength/maxLength, pattern, format,
/// items, minItems/maxItems, additionalProperties, writeOnly, title, description) plus form hints
/// (<c>x-order</c>, <c>x-widget</c>, <c>x-title</c>, <c>x-description</c>). Immutable once parsed.
/// </summary>
public sealed class ConfigSchema
{
    private const string Mask = "***";

    private readonly JsonObject _json;
    private readonly SchemaNode _root;

    private ConfigSchema(JsonObject json, SchemaNode root, IReadOnlyList<string> secretPaths)
    {
        _json = json;
        _root = root;
        SecretPaths = secretPaths;
    }

    /// <summary>Every keyword a schema may use; anything else is an error.</summary>
    public static IReadOnlyList<string> Keywords => SchemaReader.Keywords;

    /// <summary>Parses a schema from its JSON form.</summary>
    /// <exception cref="ConfigSchemaException">The schema itself is invalid; lists every problem with its path.</exception>
    public static ConfigSchema Parse(JsonNode schema)
    {
        var reader = new SchemaReader();
        var root = reader.ReadRoot(schema);
        if (reader.Errors.Count > 0)
        {
            throw new ConfigSchemaException(reader.Errors);
        }

        return new ConfigSchema((JsonObject)schema.DeepClone(), root, reader.SecretPaths);
    }

    /// <summary>The schema as JSON (for the admin UI form); a copy the caller may change.</summary>
    public JsonObject ToJson() => (JsonObject)_json.DeepClone();

    /// <summary>
    /// JSON paths of <c>writeOnly</c> (secret) fields, e.g. <c>$.password</c>; fields inside list items
    /// are written with <c>[*]</c>, e.g. <c>$.servers[*].token</c>.
    /// </summary>
    public IReadOnlyList<string> SecretPaths { get; }

    /// <summary>
    /// Validates configuration, applying defaults; never echoes secret values in errors. Null
    /// configuration is taken as <c>{}</c>. Returns every error, and the configuration with defaults
    /// filled in (also when invalid); the argument is not changed.
    /// </summary>
    public ConfigValidationResult Validate(JsonNode? configuration)
    {
        var errors = new List<ConfigError>();
        JsonObject value;
        if (configuration is null)
        {
            value = [];
        }
        else if (configuration is JsonObject obj)
        {
            value = (JsonObject)obj.DeepClone();
        }
        else
        {
            errors.Add(new ConfigError("$", $"the configuration must be an object (a map of settings), not {JsonValues.WithArticle(JsonValues.TypeOf(configuration))}"));
            value = [];
        }

        ConfigValidator.ApplyDefaults(_root, value);
        new ConfigValidator(errors).Validate(_root, value, "$", secret: false);
        return new ConfigValidationResult(value, errors);
    }

    /// <summary>A copy of <paramref name="value"/> with every secret (<c>writeOnly</c>) value replaced by <c>***</c>, for logs and API output.</summary>
    public JsonObject Redact(JsonObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var copy = (JsonObject)value.DeepClone();
        Redact(_root, copy);
        return copy;
    }

    private static void Redact(SchemaNode schema, JsonNode? value)
    {
        if (value is JsonObject obj && schema.Properties is not null)
        {
            foreach (var (name, property) in schema.Properties)
            {
                if (obj.TryGetPropertyValue(name, out var child) && child is not null)
                {
                    if (property.WriteOnly)
                    {
                        obj[name] = Mask;
                    }
                    else
                    {
                        Redact(property, child);
                    }
                }
            }
        }
        else if (value is JsonArray array && schema.Items is not null)
        {
            for (var i = 0; i < array.Count; i++)
            {
                if (array[i] is null)
                {
                    continue;
                }

                if (schema.Items.WriteOnly)
                {
                    array[i] = Mask;
                }
                else
                {
                    Redact(schema.Items, array[i]);
                }
            }
        }
    }
}

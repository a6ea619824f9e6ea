using System.Globalization;
using System.Text.Json.Nodes;

namespace Plugboard.Hosting;

/// <summary>
/// Converts configuration that came from <c>IConfiguration</c> (where every value is text) to the types
/// the config schema asks for (<c>"8080"</c> to <c>8080</c> for an integer), before validation. Values
/// that do not convert are left as text, for the validator to report with their path.
/// </summary>
internal static class TextConfiguration
{
    public static void Coerce(JsonObject value, JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        foreach (var (name, node) in value.ToList())
        {
            if (properties[name] is JsonObject propertySchema)
            {
                var coerced = CoerceNode(node, propertySchema);
                if (!ReferenceEquals(coerced, node))
                {
                    value[name] = coerced;
                }
            }
        }
    }

    private static JsonNode? CoerceNode(JsonNode? node, JsonObject schema)
    {
        var type = (schema["type"] as JsonValue)?.TryGetValue<string>(out var t) == true ? t : null;
        switch (node)
        {
            case JsonObject obj when type == "object":
                Coerce(obj, schema);
                return obj;
            case JsonObject obj when type == "array" && obj.All(p => int.TryParse(p.Key, out _)):
                // IConfiguration lists are sections keyed 0, 1, 2…
                return CoerceArray(new JsonArray(obj.OrderBy(p => int.Parse(p.Key, CultureInfo.InvariantCulture)).Select(p => p.Value?.DeepClone()).ToArray()), schema);
            case JsonArray array when type == "array":
                return CoerceArray(array, schema);
            case JsonValue text when text.TryGetValue<string>(out var s):
                return type switch
                {
                    "integer" when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
                    "number" when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
                    "boolean" when bool.TryParse(s, out var b) => JsonValue.Create(b),
                    _ => node,
                };
            default:
                return node;
        }
    }

    private static JsonArray CoerceArray(JsonArray array, JsonObject schema)
    {
        if (schema["items"] is not JsonObject items)
        {
            return array;
        }

        var coerced = new JsonArray();
        foreach (var item in array.ToList())
        {
            var detached = item?.DeepClone();
            coerced.Add(CoerceNode(detached, items));
        }

        return coerced;
    }
}

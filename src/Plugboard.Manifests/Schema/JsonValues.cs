using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plugboard.Manifests.Schema;

/// <summary>Type names, numbers, equality and safe descriptions of JSON values.</summary>
internal static class JsonValues
{
    /// <summary>The JSON Schema type of a value: null, boolean, integer, number, string, array or object.</summary>
    public static string TypeOf(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => value.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(value) ? "integer" : "number",
            JsonValueKind.Null => "null",
            _ => "unknown",
        },
    };

    /// <summary>The type name with its article, for messages: "an integer", "a string".</summary>
    public static string WithArticle(string type) => type switch
    {
        "integer" or "object" or "array" => $"an {type}",
        "null" => "null",
        _ => $"a {type}",
    };

    /// <summary>A number as decimal when it fits, else as double.</summary>
    public static bool TryGetNumber(JsonNode value, out decimal number, out double approximate)
    {
        var text = value.ToJsonString();
        approximate = 0;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            approximate = (double)number;
            return true;
        }

        approximate = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        return false;
    }

    /// <summary>Compares a JSON number with a bound: negative when below, zero when equal, positive when above.</summary>
    public static int CompareNumber(JsonNode value, decimal bound) =>
        TryGetNumber(value, out var exact, out var approximate) ? exact.CompareTo(bound) : approximate.CompareTo((double)bound);

    public static bool IsInteger(JsonNode value) =>
        TryGetNumber(value, out var exact, out var approximate)
            ? exact == decimal.Truncate(exact)
            : double.IsFinite(approximate) && Math.Floor(approximate) == approximate;

    /// <summary>Structural equality; numbers compare by value (1 equals 1.0).</summary>
    public static bool AreEqual(JsonNode? a, JsonNode? b)
    {
        var typeA = TypeOf(a);
        var typeB = TypeOf(b);
        var numeric = typeA is "integer" or "number" && typeB is "integer" or "number";
        if (typeA != typeB && !numeric)
        {
            return false;
        }

        switch (a)
        {
            case null:
                return true;
            case JsonObject objectA:
                var objectB = (JsonObject)b!;
                return objectA.Count == objectB.Count
                    && objectA.All(p => objectB.TryGetPropertyValue(p.Key, out var other) && AreEqual(p.Value, other));
            case JsonArray arrayA:
                var arrayB = (JsonArray)b!;
                return arrayA.Count == arrayB.Count && arrayA.Select((item, i) => AreEqual(item, arrayB[i])).All(equal => equal);
        }

        if (numeric)
        {
            var exactA = TryGetNumber(a, out var decimalA, out var doubleA);
            var exactB = TryGetNumber(b!, out var decimalB, out var doubleB);
            return exactA && exactB ? decimalA == decimalB : doubleA.Equals(doubleB);
        }

        return typeA == "string"
            ? string.Equals(a.GetValue<string>(), b!.GetValue<string>(), StringComparison.Ordinal)
            : a.GetValueKind() == b!.GetValueKind();
    }

    /// <summary>How a value is shown in a message: <c>'text'</c>, <c>42</c>; "the secret value" for secrets.</summary>
    public static string Describe(JsonNode? value, bool secret)
    {
        if (secret)
        {
            return "the secret value";
        }

        var text = value is not null && value.GetValueKind() == JsonValueKind.String
            ? $"'{value.GetValue<string>()}'"
            : value?.ToJsonString() ?? "null";
        return text.Length > 80 ? string.Concat(text.AsSpan(0, 77), "...") : text;
    }

    /// <summary>A value for a message about the schema (enum lists, const).</summary>
    public static string Show(JsonNode? value) => Describe(value, secret: false);
}

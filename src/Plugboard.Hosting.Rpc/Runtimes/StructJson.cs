using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>Converts between JSON objects and <c>google.protobuf.Struct</c>, through the protobuf JSON mapping.</summary>
public static class StructJson
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default);

    /// <summary>The object as a Struct.</summary>
    public static Struct ToStruct(JsonObject value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Parser.Parse<Struct>(value.ToJsonString());
    }

    /// <summary>The Struct as a JSON object (an empty one for null).</summary>
    public static JsonObject ToJsonObject(Struct? value) =>
        value is null ? [] : JsonNode.Parse(JsonFormatter.Default.Format(value))?.AsObject() ?? [];

    /// <summary>The Struct as plugin metadata: strings, numbers (double), booleans, null, lists and dictionaries.</summary>
    public static PluginMetadata ToMetadata(Struct? value)
    {
        if (value is null || value.Fields.Count == 0)
        {
            return PluginMetadata.Empty;
        }

        return new PluginMetadata(value.Fields.Select(f => new KeyValuePair<string, object?>(f.Key, ToObject(f.Value))));
    }

    private static object? ToObject(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.StringValue => value.StringValue,
        Value.KindOneofCase.NumberValue => value.NumberValue,
        Value.KindOneofCase.BoolValue => value.BoolValue,
        Value.KindOneofCase.StructValue => value.StructValue.Fields.ToDictionary(f => f.Key, f => ToObject(f.Value), StringComparer.Ordinal),
        Value.KindOneofCase.ListValue => value.ListValue.Values.Select(ToObject).ToList(),
        _ => null,
    };
}

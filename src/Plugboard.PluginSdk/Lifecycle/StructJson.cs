using System.Collections;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Plugboard.PluginSdk.Lifecycle;

/// <summary>Converts the configuration and metadata of the lifecycle calls between protobuf Struct and .NET values.</summary>
internal static class StructJson
{
    public static JsonObject ToJsonObject(Struct? value) =>
        value is null ? [] : JsonNode.Parse(JsonFormatter.Default.Format(value))?.AsObject() ?? [];

    public static Struct ToStruct(PluginMetadata metadata)
    {
        var result = new Struct();
        foreach (var (key, value) in metadata.Values)
        {
            result.Fields[key] = ToValue(value);
        }

        return result;
    }

    private static Value ToValue(object? value) => value switch
    {
        null => Value.ForNull(),
        string text => Value.ForString(text),
        bool flag => Value.ForBool(flag),
        byte or sbyte or short or ushort or int or uint or long or ulong or float or double or decimal => Value.ForNumber(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)),
        JsonNode node => JsonParser.Default.Parse<Value>(node.ToJsonString()),
        IDictionary dictionary => Value.ForStruct(ToStruct(dictionary)),
        IEnumerable list => Value.ForList(list.Cast<object?>().Select(ToValue).ToArray()),
        _ => Value.ForString(value.ToString() ?? string.Empty),
    };

    private static Struct ToStruct(IDictionary dictionary)
    {
        var result = new Struct();
        foreach (DictionaryEntry entry in dictionary)
        {
            result.Fields[entry.Key.ToString() ?? string.Empty] = ToValue(entry.Value);
        }

        return result;
    }
}

using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Plugboard.Hosting.Rpc.Conformance;

/// <summary>
/// The request the checks send to a contract method: the plugin's <c>examples/requests/&lt;package.Service&gt;/&lt;Method&gt;.json</c>
/// (protobuf's JSON mapping) or <c>.binpb</c> (the message's binary encoding, e.g. from <c>protoc --encode</c>), else an
/// empty message.
/// </summary>
internal static class SampleRequests
{
    /// <summary>The folder, under the plugin's, that holds sample requests.</summary>
    public const string Folder = "examples/requests";

    /// <summary>The request bytes for <paramref name="method"/> and where they came from.</summary>
    /// <exception cref="FormatException">The sample file does not fit the request message; the message says where.</exception>
    public static async Task<(byte[] Bytes, string Source)> ForAsync(string pluginDirectory, MethodDescriptor method, CancellationToken cancellationToken)
    {
        var stem = Path.Combine(pluginDirectory, Folder, method.Service.FullName, method.Name);
        var relative = $"{Folder}/{method.Service.FullName}/{method.Name}";
        if (File.Exists(stem + ".binpb"))
        {
            return (await File.ReadAllBytesAsync(stem + ".binpb", cancellationToken).ConfigureAwait(false), relative + ".binpb");
        }

        if (!File.Exists(stem + ".json"))
        {
            return ([], $"an empty {method.InputType.Name} (add {relative}.json for a real one)");
        }

        var json = await File.ReadAllTextAsync(stem + ".json", cancellationToken).ConfigureAwait(false);
        try
        {
            return (Encode(json, method.InputType), relative + ".json");
        }
        catch (Exception ex) when (ex is JsonException or InvalidJsonException or InvalidProtocolBufferException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new FormatException($"{relative}.json does not fit {method.InputType.FullName}: {ex.Message}", ex);
        }
    }

    /// <summary>Encodes protobuf JSON as <paramref name="type"/>'s binary form, through generated code when the descriptor has it.</summary>
    public static byte[] Encode(string json, MessageDescriptor type)
    {
        if (type.Parser is not null)
        {
            return JsonParser.Default.Parse(json, type).ToByteArray();
        }

        using var document = JsonDocument.Parse(json);
        return EncodeMessage(document.RootElement, type, type.Name);
    }

    private static byte[] EncodeMessage(JsonElement json, MessageDescriptor type, string path)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}: expected a JSON object for {type.FullName}");
        }

        using var buffer = new MemoryStream();
        using var output = new CodedOutputStream(buffer, leaveOpen: true);
        foreach (var property in json.EnumerateObject())
        {
            var field = type.FindFieldByName(property.Name)
                ?? type.Fields.InDeclarationOrder().FirstOrDefault(f => f.JsonName == property.Name)
                ?? throw new FormatException($"{path}.{property.Name}: {type.FullName} has no such field");
            var at = $"{path}.{property.Name}";
            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            if (field.IsMap)
            {
                var entry = field.MessageType;
                foreach (var pair in Expect(property.Value, JsonValueKind.Object, at).EnumerateObject())
                {
                    using var entryBuffer = new MemoryStream();
                    using var entryOutput = new CodedOutputStream(entryBuffer, leaveOpen: true);
                    WriteKey(entryOutput, entry.FindFieldByNumber(1), pair.Name, $"{at}.{pair.Name}");
                    WriteValue(entryOutput, entry.FindFieldByNumber(2), pair.Value, $"{at}.{pair.Name}");
                    entryOutput.Flush();
                    output.WriteTag(field.FieldNumber, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFrom(entryBuffer.ToArray()));
                }
            }
            else if (field.IsRepeated)
            {
                var index = 0;
                foreach (var item in Expect(property.Value, JsonValueKind.Array, at).EnumerateArray())
                {
                    WriteValue(output, field, item, $"{at}[{index++}]");
                }
            }
            else
            {
                WriteValue(output, field, property.Value, at);
            }
        }

        output.Flush();
        return buffer.ToArray();
    }

    private static JsonElement Expect(JsonElement json, JsonValueKind kind, string path) =>
        json.ValueKind == kind ? json : throw new FormatException($"{path}: expected a JSON {kind.ToString().ToLowerInvariant()}, found {json.ValueKind.ToString().ToLowerInvariant()}");

    private static void WriteKey(CodedOutputStream output, FieldDescriptor field, string key, string path)
    {
        // Map keys are JSON strings whatever their type.
        using var document = JsonDocument.Parse(field.FieldType is FieldType.String ? JsonSerializer.Serialize(key) : key);
        WriteValue(output, field, document.RootElement, path);
    }

    private static void WriteValue(CodedOutputStream output, FieldDescriptor field, JsonElement json, string path)
    {
        var number = field.FieldNumber;
        switch (field.FieldType)
        {
            case FieldType.Double:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteDouble(Number(json, path, double.Parse));
                break;
            case FieldType.Float:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteFloat(Number(json, path, float.Parse));
                break;
            case FieldType.Int64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt64(Number(json, path, long.Parse));
                break;
            case FieldType.UInt64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteUInt64(Number(json, path, ulong.Parse));
                break;
            case FieldType.SInt64:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteSInt64(Number(json, path, long.Parse));
                break;
            case FieldType.Fixed64:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteFixed64(Number(json, path, ulong.Parse));
                break;
            case FieldType.SFixed64:
                output.WriteTag(number, WireFormat.WireType.Fixed64);
                output.WriteSFixed64(Number(json, path, long.Parse));
                break;
            case FieldType.Int32:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteInt32(Number(json, path, int.Parse));
                break;
            case FieldType.UInt32:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteUInt32(Number(json, path, uint.Parse));
                break;
            case FieldType.SInt32:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteSInt32(Number(json, path, int.Parse));
                break;
            case FieldType.Fixed32:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteFixed32(Number(json, path, uint.Parse));
                break;
            case FieldType.SFixed32:
                output.WriteTag(number, WireFormat.WireType.Fixed32);
                output.WriteSFixed32(Number(json, path, int.Parse));
                break;
            case FieldType.Bool:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteBool(json.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw new FormatException($"{path}: expected true or false"),
                });
                break;
            case FieldType.String:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteString(Expect(json, JsonValueKind.String, path).GetString()!);
                break;
            case FieldType.Bytes:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.FromBase64(Expect(json, JsonValueKind.String, path).GetString()!));
                break;
            case FieldType.Enum:
                output.WriteTag(number, WireFormat.WireType.Varint);
                output.WriteEnum(json.ValueKind == JsonValueKind.String
                    ? field.EnumType.FindValueByName(json.GetString()!)?.Number
                        ?? throw new FormatException($"{path}: {field.EnumType.FullName} has no value '{json.GetString()}'")
                    : Number(json, path, int.Parse));
                break;
            case FieldType.Message when field.MessageType.File.Package == "google.protobuf":
                throw new FormatException(
                    $"{path}: {field.MessageType.FullName} has its own JSON form, which these checks read only through generated code; give the request as .binpb (protoc --encode)");
            case FieldType.Message:
                output.WriteTag(number, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFrom(EncodeMessage(json, field.MessageType, path)));
                break;
            default:
                throw new FormatException($"{path}: fields of type {field.FieldType} are not supported in JSON samples; give the request as .binpb (protoc --encode)");
        }
    }

    // Protobuf's JSON mapping writes 64-bit integers as strings and accepts numbers as either.
    private static T Number<T>(JsonElement json, string path, Func<string, IFormatProvider, T> parse) => json.ValueKind switch
    {
        JsonValueKind.Number => parse(json.GetRawText(), CultureInfo.InvariantCulture),
        JsonValueKind.String => parse(json.GetString()!, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"{path}: expected a number"),
    };
}

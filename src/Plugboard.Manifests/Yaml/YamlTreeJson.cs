using System.Text.Json;
using YamlDotNet.Core;

namespace Plugboard.Manifests.Yaml;

/// <summary>
/// A <see cref="YamlTreeNode"/> tree as JSON and back, positions and scalar styles included, so that a tree read
/// back is the tree the YAML parser built: <c>{"s":[line,column,style,"value","tag"?]}</c> for a scalar,
/// <c>{"q":[line,column,[items]]}</c> for a list, <c>{"m":[line,column,[key,value,key,value,…]]}</c> for a map.
/// </summary>
internal static class YamlTreeJson
{
    /// <summary>How deep <see cref="Read"/> lets the JSON nest: each YAML level is two JSON levels, and YAML stops at 64.</summary>
    public const int MaxJsonDepth = 160;

    public static void Write(Utf8JsonWriter writer, YamlTreeNode node)
    {
        writer.WriteStartObject();
        switch (node)
        {
            case YamlTreeScalar scalar:
                writer.WriteStartArray("s");
                WritePosition(writer, node);
                writer.WriteNumberValue((int)scalar.Style);
                writer.WriteStringValue(scalar.Value);
                if (scalar.Tag is not null)
                {
                    writer.WriteStringValue(scalar.Tag);
                }

                writer.WriteEndArray();
                break;
            case YamlTreeSequence sequence:
                writer.WriteStartArray("q");
                WritePosition(writer, node);
                writer.WriteStartArray();
                foreach (var item in sequence.Items)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                writer.WriteEndArray();
                break;
            case YamlTreeMapping mapping:
                writer.WriteStartArray("m");
                WritePosition(writer, node);
                writer.WriteStartArray();
                foreach (var (key, value) in mapping.Entries)
                {
                    Write(writer, key);
                    Write(writer, value);
                }

                writer.WriteEndArray();
                writer.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"unknown YAML node {node.GetType().Name}", nameof(node));
        }

        writer.WriteEndObject();
    }

    /// <summary>Reads one node; the reader is on its <c>{</c> and is left on its <c>}</c>.</summary>
    /// <exception cref="JsonException">The JSON is not a tree <see cref="Write"/> wrote.</exception>
    public static YamlTreeNode Read(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject, current: true);
        Expect(ref reader, JsonTokenType.PropertyName);
        var kind = reader.GetString();
        Expect(ref reader, JsonTokenType.StartArray);
        var line = ReadInt(ref reader);
        var column = ReadInt(ref reader);
        YamlTreeNode node;
        switch (kind)
        {
            case "s":
                var style = (ScalarStyle)ReadInt(ref reader);
                Expect(ref reader, JsonTokenType.String);
                var value = reader.GetString()!;
                Next(ref reader);
                string? tag = null;
                if (reader.TokenType == JsonTokenType.String)
                {
                    tag = reader.GetString();
                    Next(ref reader);
                }

                Expect(ref reader, JsonTokenType.EndArray, current: true);
                node = new YamlTreeScalar(line, column, value, style, tag);
                break;
            case "q":
                Expect(ref reader, JsonTokenType.StartArray);
                var items = new List<YamlTreeNode>();
                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    items.Add(Read(ref reader));
                }

                Expect(ref reader, JsonTokenType.EndArray);
                node = new YamlTreeSequence(line, column, items);
                break;
            case "m":
                Expect(ref reader, JsonTokenType.StartArray);
                var entries = new List<KeyValuePair<YamlTreeNode, YamlTreeNode>>();
                while (Next(ref reader) != JsonTokenType.EndArray)
                {
                    var key = Read(ref reader);
                    Next(ref reader);
                    entries.Add(new(key, Read(ref reader)));
                }

                Expect(ref reader, JsonTokenType.EndArray);
                node = new YamlTreeMapping(line, column, entries);
                break;
            default:
                throw new JsonException($"unknown node kind '{kind}'");
        }

        Expect(ref reader, JsonTokenType.EndObject);
        return node;
    }

    private static void WritePosition(Utf8JsonWriter writer, YamlTreeNode node)
    {
        writer.WriteNumberValue(node.Line);
        writer.WriteNumberValue(node.Column);
    }

    private static int ReadInt(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.Number);
        return reader.GetInt32();
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException("the JSON ends inside a node");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, bool current = false)
    {
        if (!current)
        {
            Next(ref reader);
        }

        if (reader.TokenType != type)
        {
            throw new JsonException($"expected {type}, found {reader.TokenType}");
        }
    }
}

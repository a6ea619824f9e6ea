using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Plugboard.Manifests.Yaml;

/// <summary>Builds a <see cref="YamlTreeNode"/> tree from YAML text with YamlDotNet's parser.</summary>
internal static class YamlTreeReader
{
    // Guards against hostile files: deep nesting would overflow the stack, and aliases of aliases
    // ("billion laughs") would expand exponentially when converted to JSON.
    private const int MaxDepth = 64;
    private const long MaxExpandedNodes = 100_000;

    /// <summary>Reads the single document in <paramref name="yaml"/>; null when the text holds no document.</summary>
    /// <exception cref="YamlException">The text is not valid YAML, or breaks the limits above.</exception>
    public static YamlTreeNode? Read(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var anchors = new Dictionary<string, YamlTreeNode>(StringComparer.Ordinal);
        MoveNext(parser);
        Expect<StreamStart>(parser);
        YamlTreeNode? root = null;
        var documents = 0;
        while (Next(parser) is DocumentStart start)
        {
            documents++;
            if (documents > 1)
            {
                throw new YamlException(start.Start, start.End, "the file holds more than one YAML document ('---'); a manifest is a single document");
            }

            MoveNext(parser);
            root = ReadNode(parser, anchors, depth: 0);
            Expect<DocumentEnd>(parser);
        }

        Expect<StreamEnd>(parser);
        return root;
    }

    // YamlDotNet throws InvalidOperationException instead of YamlException on some broken input
    // (an unclosed flow sequence before the next key); report it at the last good position.
    private static void MoveNext(IParser parser)
    {
        var last = parser.Current;
        try
        {
            parser.MoveNext();
        }
        catch (InvalidOperationException ex)
        {
            var mark = last?.End ?? Mark.Empty;
            throw new YamlException(mark, mark, "the YAML cannot be read from here on; look for an unclosed [, { or quote", ex);
        }
    }

    private static ParsingEvent Next(IParser parser) =>
        parser.Current ?? throw new YamlException("unexpected end of the YAML text");

    private static void Expect<T>(IParser parser)
        where T : ParsingEvent
    {
        if (Next(parser) is not T)
        {
            var current = Next(parser);
            throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name} in the YAML text");
        }

        MoveNext(parser);
    }

    private static YamlTreeNode ReadNode(IParser parser, Dictionary<string, YamlTreeNode> anchors, int depth)
    {
        var current = Next(parser);
        if (depth > MaxDepth)
        {
            throw new YamlException(current.Start, current.End, $"the YAML nests deeper than {MaxDepth} levels");
        }

        var line = (int)current.Start.Line;
        var column = (int)current.Start.Column;
        if (current is NodeEvent { Tag: { IsEmpty: false } tag } && tag.Value != "!")
        {
            // A tag asks a YAML library to build a type (!!python/object:…, !!binary); a manifest is plain data.
            throw new YamlException(current.Start, current.End, $"the YAML tag '{tag.Value}' is not allowed: a manifest holds plain text, numbers, lists and maps; remove the tag");
        }

        YamlTreeNode node;
        string? anchor = null;
        switch (current)
        {
            case AnchorAlias alias:
                MoveNext(parser);
                return anchors.TryGetValue(alias.Value.Value, out var target)
                    ? target
                    : throw new YamlException(current.Start, current.End, $"the alias '*{alias.Value.Value}' refers to no anchor '&{alias.Value.Value}' defined before it");

            case Scalar scalar:
                MoveNext(parser);
                anchor = scalar.Anchor.IsEmpty ? null : scalar.Anchor.Value;
                node = new YamlTreeScalar(line, column, scalar.Value, scalar.Style, scalar.Tag.IsEmpty ? null : scalar.Tag.Value);
                break;

            case SequenceStart sequenceStart:
                MoveNext(parser);
                anchor = sequenceStart.Anchor.IsEmpty ? null : sequenceStart.Anchor.Value;
                var items = new List<YamlTreeNode>();
                while (Next(parser) is not SequenceEnd)
                {
                    items.Add(ReadNode(parser, anchors, depth + 1));
                }

                MoveNext(parser);
                node = new YamlTreeSequence(line, column, items);
                break;

            case MappingStart mappingStart:
                MoveNext(parser);
                anchor = mappingStart.Anchor.IsEmpty ? null : mappingStart.Anchor.Value;
                var entries = new List<KeyValuePair<YamlTreeNode, YamlTreeNode>>();
                while (Next(parser) is not MappingEnd)
                {
                    var key = ReadNode(parser, anchors, depth + 1);
                    var value = ReadNode(parser, anchors, depth + 1);
                    entries.Add(new(key, value));
                }

                MoveNext(parser);
                node = new YamlTreeMapping(line, column, entries);
                break;

            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name} in the YAML text");
        }

        if (node.Size > MaxExpandedNodes)
        {
            throw new YamlException(current.Start, current.End, $"the document expands to more than {MaxExpandedNodes} nodes (through '*' aliases?); a manifest is much smaller");
        }

        if (anchor is not null)
        {
            anchors[anchor] = node;
        }

        return node;
    }
}

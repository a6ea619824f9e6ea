using YamlDotNet.Core;

namespace Plugboard.Manifests.Yaml;

/// <summary>A YAML node with its position; the manifest reader's own tree so duplicate keys survive parsing.</summary>
internal abstract class YamlTreeNode(int line, int column)
{
    /// <summary>1-based line of the node's start.</summary>
    public int Line { get; } = line;

    /// <summary>1-based column of the node's start.</summary>
    public int Column { get; } = column;

    /// <summary>Nodes in this subtree, counting aliased subtrees each time they are used.</summary>
    public long Size { get; protected init; } = 1;

    /// <summary>What kind of node this is, for error messages.</summary>
    public abstract string Kind { get; }
}

/// <summary>A scalar: its text and how it was written.</summary>
internal sealed class YamlTreeScalar(int line, int column, string value, ScalarStyle style, string? tag) : YamlTreeNode(line, column)
{
    public string Value { get; } = value;

    public ScalarStyle Style { get; } = style;

    /// <summary>The explicit tag (<c>!!str</c> → <c>tag:yaml.org,2002:str</c>), when given.</summary>
    public string? Tag { get; } = tag;

    /// <summary>Written without quotes or block indicators, so YAML's core schema decides its type.</summary>
    public bool IsPlain => Style is ScalarStyle.Plain or ScalarStyle.Any && Tag is null;

    /// <summary>A plain <c>~</c>, <c>null</c> or nothing at all.</summary>
    public bool IsNull => IsPlain && Value is "" or "~" or "null" or "Null" or "NULL";

    public override string Kind => "a text value";
}

/// <summary>A sequence of nodes.</summary>
internal sealed class YamlTreeSequence : YamlTreeNode
{
    public YamlTreeSequence(int line, int column, IReadOnlyList<YamlTreeNode> items) : base(line, column)
    {
        Items = items;
        var size = 1L;
        foreach (var item in items)
        {
            size += item.Size;
        }

        Size = size;
    }

    public IReadOnlyList<YamlTreeNode> Items { get; }

    public override string Kind => "a list";
}

/// <summary>A mapping; keeps every entry in order, duplicates included, so they can be reported.</summary>
internal sealed class YamlTreeMapping : YamlTreeNode
{
    public YamlTreeMapping(int line, int column, IReadOnlyList<KeyValuePair<YamlTreeNode, YamlTreeNode>> entries) : base(line, column)
    {
        Entries = entries;
        var size = 1L;
        foreach (var (key, value) in entries)
        {
            size += key.Size + value.Size;
        }

        Size = size;
    }

    public IReadOnlyList<KeyValuePair<YamlTreeNode, YamlTreeNode>> Entries { get; }

    public override string Kind => "a map";

    /// <summary>The first value under a scalar key with this text, or null.</summary>
    public YamlTreeNode? Find(string key)
    {
        foreach (var (entryKey, value) in Entries)
        {
            if (entryKey is YamlTreeScalar scalar && scalar.Value == key)
            {
                return value;
            }
        }

        return null;
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Plugboard.Manifests.Schema;

/// <summary>One schema object with its validation keywords read and checked; form hints stay in the JSON.</summary>
internal sealed class SchemaNode
{
    /// <summary>Allowed JSON types; null when the schema does not say.</summary>
    public IReadOnlyList<string>? Types { get; set; }

    public OrderedDictionary<string, SchemaNode>? Properties { get; set; }

    public IReadOnlyList<string> Required { get; set; } = [];

    public bool HasDefault { get; set; }

    public JsonNode? Default { get; set; }

    public IReadOnlyList<JsonNode?>? Enum { get; set; }

    public bool HasConst { get; set; }

    public JsonNode? Const { get; set; }

    public decimal? Minimum { get; set; }

    public decimal? Maximum { get; set; }

    public decimal? ExclusiveMinimum { get; set; }

    public decimal? ExclusiveMaximum { get; set; }

    public int? MinLength { get; set; }

    public int? MaxLength { get; set; }

    public Regex? Pattern { get; set; }

    public SchemaNode? Items { get; set; }

    public int? MinItems { get; set; }

    public int? MaxItems { get; set; }

    public string? Format { get; set; }

    public bool AdditionalProperties { get; set; } = true;

    public bool WriteOnly { get; set; }

    /// <summary>Whether values of this schema may be objects with declared properties.</summary>
    public bool IsObjectWithProperties => Properties is not null && (Types is null || Types.Contains("object"));

    /// <summary>Whether a default lies somewhere below this object schema, so a missing object is worth creating.</summary>
    public bool HasNestedDefaults =>
        Properties is not null && Properties.Values.Any(p => p.HasDefault || (p.IsObjectWithProperties && p.HasNestedDefaults));

    /// <summary>Whether the schema allows values of <paramref name="type"/> (no <c>type</c> allows all).</summary>
    public bool Allows(string type) => Types is null || Types.Contains(type) || (type == "integer" && Types.Contains("number"));
}

using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plugboard.Manifests.Text;

namespace Plugboard.Manifests.Schema;

/// <summary>Reads a schema's JSON into <see cref="SchemaNode"/>s, collecting every problem with its path.</summary>
internal sealed class SchemaReader
{
    /// <summary>Every keyword a config schema may use.</summary>
    public static readonly IReadOnlyList<string> Keywords =
    [
        "type", "properties", "required", "additionalProperties", "default", "enum", "const",
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "format",
        "items", "minItems", "maxItems", "writeOnly", "title", "description",
        "x-order", "x-widget", "x-title", "x-description", "$schema", "$comment",
    ];

    private static readonly string[] TypeNames = ["object", "string", "integer", "number", "boolean", "array", "null"];

    // Patterns come from plugin authors and are run against operator input: a timeout keeps a
    // catastrophic pattern from hanging validation.
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(200);

    private const int MaxDepth = 32;

    private readonly List<ConfigError> _errors = [];
    private readonly List<string> _secretPaths = [];

    public IReadOnlyList<ConfigError> Errors => _errors;

    public IReadOnlyList<string> SecretPaths => _secretPaths;

    /// <summary>Reads the root schema, which must describe an object.</summary>
    public SchemaNode ReadRoot(JsonNode? json)
    {
        if (json is not JsonObject root)
        {
            Error("$", $"a config schema must be an object with type: object and properties, not {JsonValues.WithArticle(JsonValues.TypeOf(json))}");
            return new SchemaNode();
        }

        var node = Read(root, "$", "$", depth: 0);
        if (node.Types is not null && (node.Types.Count != 1 || node.Types[0] != "object"))
        {
            Error("$.type", "the root of a config schema must have type: object (the configuration is a map of settings)");
        }

        return node;
    }

    private void Error(string path, string message) => _errors.Add(new ConfigError(path, message));

    /// <param name="json">The schema object.</param>
    /// <param name="path">Where it is in the schema document.</param>
    /// <param name="valuePath">Where the values it describes are in configuration, for <see cref="SecretPaths"/>.</param>
    /// <param name="depth">Nesting so far.</param>
    private SchemaNode Read(JsonObject json, string path, string valuePath, int depth)
    {
        var node = new SchemaNode();
        if (depth > MaxDepth)
        {
            Error(path, $"the schema nests deeper than {MaxDepth} levels");
            return node;
        }

        foreach (var (keyword, value) in json)
        {
            var at = FieldPath.Property(path, keyword);
            switch (keyword)
            {
                case "type":
                    node.Types = ReadTypes(value, at);
                    break;
                case "properties":
                    if (value is JsonObject properties)
                    {
                        node.Properties = [];
                        foreach (var (name, property) in properties)
                        {
                            var propertyPath = FieldPath.Property(at, name);
                            if (property is JsonObject propertySchema)
                            {
                                node.Properties[name] = Read(propertySchema, propertyPath, FieldPath.Property(valuePath, name), depth + 1);
                            }
                            else
                            {
                                Error(propertyPath, $"a property's schema must be an object such as {{ type: string }}, not {Kind(property)}");
                            }
                        }
                    }
                    else
                    {
                        Error(at, $"must be a map of property name to schema, not {Kind(value)}");
                    }

                    break;
                case "required":
                    node.Required = ReadStringList(value, at);
                    break;
                case "additionalProperties":
                    node.AdditionalProperties = ReadBool(value, at) ?? true;
                    break;
                case "default":
                    node.HasDefault = true;
                    node.Default = value?.DeepClone();
                    break;
                case "enum":
                    if (value is JsonArray { Count: > 0 } values)
                    {
                        node.Enum = values.Select(v => v?.DeepClone()).ToList();
                    }
                    else
                    {
                        Error(at, "must be a non-empty list of the allowed values");
                    }

                    break;
                case "const":
                    node.HasConst = true;
                    node.Const = value?.DeepClone();
                    break;
                case "minimum":
                    node.Minimum = ReadNumber(value, at);
                    break;
                case "maximum":
                    node.Maximum = ReadNumber(value, at);
                    break;
                case "exclusiveMinimum":
                    node.ExclusiveMinimum = ReadNumber(value, at);
                    break;
                case "exclusiveMaximum":
                    node.ExclusiveMaximum = ReadNumber(value, at);
                    break;
                case "minLength":
                    node.MinLength = ReadCount(value, at);
                    break;
                case "maxLength":
                    node.MaxLength = ReadCount(value, at);
                    break;
                case "minItems":
                    node.MinItems = ReadCount(value, at);
                    break;
                case "maxItems":
                    node.MaxItems = ReadCount(value, at);
                    break;
                case "pattern":
                    node.Pattern = ReadPattern(value, at);
                    break;
                case "format":
                    if (ReadString(value, at) is { } format)
                    {
                        if (StringFormats.IsKnown(format))
                        {
                            node.Format = format;
                        }
                        else
                        {
                            Error(at, $"unknown format '{format}'{NameSuggestion.DidYouMean(format, StringFormats.Names)}; known formats: {string.Join(", ", StringFormats.Names)}");
                        }
                    }

                    break;
                case "items":
                    if (value is JsonObject items)
                    {
                        node.Items = Read(items, at, valuePath + "[*]", depth + 1);
                    }
                    else
                    {
                        Error(at, $"must be the schema of the list's items, an object such as {{ type: string }}, not {Kind(value)}");
                    }

                    break;
                case "writeOnly":
                    node.WriteOnly = ReadBool(value, at) ?? false;
                    break;
                case "title" or "description" or "$schema" or "$comment":
                    ReadString(value, at);
                    break;
                case "x-order":
                    if (value is null || value.GetValueKind() != JsonValueKind.Number || !JsonValues.IsInteger(value))
                    {
                        Error(at, $"must be an integer (the field's position in the form), not {Kind(value)}");
                    }

                    break;
                case "x-widget":
                    if (ReadString(value, at) is { } widget && !FormWidgets.Names.Contains(widget))
                    {
                        Error(at, $"unknown widget '{widget}'{NameSuggestion.DidYouMean(widget, FormWidgets.Names)}; known widgets: {string.Join(", ", FormWidgets.Names)}");
                    }

                    break;
                case "x-title" or "x-description":
                    ReadLocalized(value, at);
                    break;
                default:
                    Error(at, $"unknown keyword '{keyword}'{NameSuggestion.DidYouMean(keyword, Keywords)}; allowed keywords: {string.Join(", ", Keywords)}");
                    break;
            }
        }

        CheckConsistency(node, json, path);
        if (node.WriteOnly)
        {
            _secretPaths.Add(valuePath);
        }

        return node;
    }

    private void CheckConsistency(SchemaNode node, JsonObject json, string path)
    {
        void AppliesTo(string keyword, string type, string what)
        {
            var allowed = node.Allows(type) || (type == "number" && node.Allows("integer"));
            if (json.ContainsKey(keyword) && node.Types is not null && !allowed)
            {
                Error(FieldPath.Property(path, keyword), $"'{keyword}' applies to {what}, but the type is {string.Join(" or ", node.Types)}");
            }
        }

        AppliesTo("properties", "object", "objects");
        AppliesTo("required", "object", "objects");
        AppliesTo("additionalProperties", "object", "objects");
        AppliesTo("items", "array", "arrays");
        AppliesTo("minItems", "array", "arrays");
        AppliesTo("maxItems", "array", "arrays");
        AppliesTo("minLength", "string", "strings");
        AppliesTo("maxLength", "string", "strings");
        AppliesTo("pattern", "string", "strings");
        AppliesTo("format", "string", "strings");
        foreach (var keyword in new[] { "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum" })
        {
            AppliesTo(keyword, "number", "numbers");
        }

        Ordered(path, "minimum", node.Minimum, "maximum", node.Maximum);
        Ordered(path, "minLength", node.MinLength, "maxLength", node.MaxLength);
        Ordered(path, "minItems", node.MinItems, "maxItems", node.MaxItems);

        foreach (var (name, index) in node.Required.Select((n, i) => (n, i)))
        {
            if (node.Properties is not null && !node.Properties.ContainsKey(name))
            {
                Error(FieldPath.Index(FieldPath.Property(path, "required"), index), $"'{name}' is required but not declared in properties{NameSuggestion.DidYouMean(name, node.Properties.Keys)}");
            }
        }

        if (node.Enum is not null && node.Types is not null)
        {
            for (var i = 0; i < node.Enum.Count; i++)
            {
                var type = JsonValues.TypeOf(node.Enum[i]);
                if (!node.Allows(type))
                {
                    Error(FieldPath.Index(FieldPath.Property(path, "enum"), i), $"{JsonValues.Show(node.Enum[i])} is {JsonValues.WithArticle(type)}, but the type is {string.Join(" or ", node.Types)}");
                }
            }
        }

        // The default is what a user gets without writing anything: it must itself be valid.
        if (node.HasDefault)
        {
            var problems = new List<ConfigError>();
            new ConfigValidator(problems).Validate(node, node.Default, "$", secret: false);
            foreach (var problem in problems)
            {
                var where = problem.Path == "$" ? string.Empty : $"{problem.Path[1..]}: ";
                Error(FieldPath.Property(path, "default"), $"the default does not fit the schema: {where}{problem.Message}");
            }
        }
    }

    private void Ordered<T>(string path, string lowName, T? low, string highName, T? high)
        where T : struct, IComparable<T>
    {
        if (low is { } l && high is { } h && l.CompareTo(h) > 0)
        {
            Error(FieldPath.Property(path, lowName), $"{lowName} ({l}) is greater than {highName} ({h})");
        }
    }

    private IReadOnlyList<string>? ReadTypes(JsonNode? value, string path)
    {
        var names = value is JsonArray array ? array.ToList() : [value];
        if (names.Count == 0)
        {
            Error(path, $"must name at least one type: {string.Join(", ", TypeNames)}");
            return null;
        }

        var types = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var at = value is JsonArray ? FieldPath.Index(path, i) : path;
            if (names[i] is not JsonValue name || name.GetValueKind() != JsonValueKind.String)
            {
                Error(at, $"a type is written as text, one of {string.Join(", ", TypeNames)}; not {Kind(names[i])}");
                continue;
            }

            var text = name.GetValue<string>();
            if (!TypeNames.Contains(text))
            {
                Error(at, $"unknown type '{text}'{NameSuggestion.DidYouMean(text, TypeNames)}; types are {string.Join(", ", TypeNames)}");
            }
            else if (types.Contains(text))
            {
                Error(at, $"the type '{text}' is listed twice");
            }
            else
            {
                types.Add(text);
            }
        }

        return types.Count > 0 ? types : null;
    }

    private string? ReadString(JsonNode? value, string path)
    {
        if (value is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            return text.GetValue<string>();
        }

        Error(path, $"must be text, not {Kind(value)}");
        return null;
    }

    private bool? ReadBool(JsonNode? value, string path)
    {
        if (value is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return flag.GetValue<bool>();
        }

        Error(path, $"must be true or false, not {Kind(value)}");
        return null;
    }

    private decimal? ReadNumber(JsonNode? value, string path)
    {
        if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && JsonValues.TryGetNumber(number, out var result, out _))
        {
            return result;
        }

        Error(path, $"must be a number, not {Kind(value)}");
        return null;
    }

    private int? ReadCount(JsonNode? value, string path)
    {
        if (value is JsonValue number && number.GetValueKind() == JsonValueKind.Number
            && JsonValues.TryGetNumber(number, out var result, out _) && result >= 0 && result <= int.MaxValue && result == decimal.Truncate(result))
        {
            return (int)result;
        }

        Error(path, $"must be a whole number of zero or more, not {Kind(value)}");
        return null;
    }

    private IReadOnlyList<string> ReadStringList(JsonNode? value, string path)
    {
        if (value is not JsonArray array)
        {
            Error(path, $"must be a list of property names, not {Kind(value)}");
            return [];
        }

        var names = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is JsonValue item && item.GetValueKind() == JsonValueKind.String)
            {
                var name = item.GetValue<string>();
                if (names.Contains(name))
                {
                    Error(FieldPath.Index(path, i), $"'{name}' is listed twice");
                }
                else
                {
                    names.Add(name);
                }
            }
            else
            {
                Error(FieldPath.Index(path, i), $"must be a property name, not {Kind(array[i])}");
            }
        }

        return names;
    }

    private Regex? ReadPattern(JsonNode? value, string path)
    {
        if (ReadString(value, path) is not { } pattern)
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant, PatternTimeout);
        }
        catch (ArgumentException ex)
        {
            Error(path, $"'{pattern}' is not a valid .NET regular expression: {ex.Message}");
            return null;
        }
    }

    private void ReadLocalized(JsonNode? value, string path)
    {
        if (value is not JsonObject texts)
        {
            Error(path, $"must be a map of culture to text, such as {{ en: Port, zh-CN: 端口 }}, not {Kind(value)}");
            return;
        }

        foreach (var (culture, text) in texts)
        {
            var at = FieldPath.Property(path, culture);
            if (!CultureName.IsValid(culture))
            {
                Error(at, $"'{culture}' is not a culture name such as en or zh-CN");
            }

            ReadString(text, at);
        }
    }

    private static string Kind(JsonNode? value) => JsonValues.WithArticle(JsonValues.TypeOf(value)) switch
    {
        "null" => "nothing (null)",
        var kind => $"{kind} ({JsonValues.Show(value)})",
    };
}

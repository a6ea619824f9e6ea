using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plugboard.Cli.Console;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Plugboard.Cli.Center;

/// <summary>
/// An installation's configuration from the command line: a JSON or YAML file (<c>--config-file</c>), then each
/// <c>--set key=value</c> (<c>a.b=value</c> for a nested field), typed by the plugin's config schema: a field the schema
/// says is an integer, number or boolean gets one; anything that does not parse is sent as text for the center to
/// refuse with the field's path. Values are never repeated in messages: any of them may be a secret.
/// </summary>
internal static class ConfigValues
{
    public static JsonObject Build(string? file, IReadOnlyList<string> assignments, JsonObject? schema, JsonObject? start, CliEnvironment environment)
    {
        var config = start ?? [];
        if (file is not null)
        {
            foreach (var (key, value) in ReadFile(environment.ResolvePath(file)))
            {
                config[key] = value?.DeepClone();
            }
        }

        for (var i = 0; i < assignments.Count; i++)
        {
            var assignment = assignments[i];
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                // Not echoed: the argument may hold a secret typed without its key.
                throw CliException.Usage($"--set number {i + 1} is not KEY=VALUE (the argument is not shown here, as it may be a secret). Write --set apiToken=VALUE, or --set server.port=8080 for a nested field.");
            }

            var path = assignment[..equals].Split('.');
            if (path.Any(string.IsNullOrWhiteSpace))
            {
                throw CliException.Usage($"--set '{assignment[..equals]}': a key is field names separated by dots, e.g. server.port.");
            }

            Set(config, path, assignment[(equals + 1)..], schema);
        }

        return config;
    }

    /// <summary>A JSON or YAML file holding one object.</summary>
    public static JsonObject ReadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the configuration file '{path}' (--config-file): {ex.Message}");
        }

        var yaml = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        try
        {
            var node = yaml ? FromYaml(text) : JsonNode.Parse(text);
            return node as JsonObject ?? throw new CliException($"The configuration file '{path}' must hold one object (field: value, …), not {(node is null ? "nothing" : node.GetValueKind().ToString().ToLowerInvariant())}.");
        }
        catch (Exception ex) when (ex is JsonException or YamlException)
        {
            throw new CliException($"The configuration file '{path}' is not valid {(yaml ? "YAML" : "JSON")}: {ex.Message}");
        }
    }

    private static void Set(JsonObject config, string[] path, string text, JsonObject? schema)
    {
        var target = config;
        var fieldSchema = schema;
        for (var i = 0; i < path.Length - 1; i++)
        {
            fieldSchema = fieldSchema?["properties"]?[path[i]] as JsonObject;
            if (target[path[i]] is not JsonObject child)
            {
                child = [];
                target[path[i]] = child;
            }

            target = child;
        }

        var name = path[^1];
        target[name] = Typed(text, fieldSchema?["properties"]?[name] as JsonObject);
    }

    private static JsonNode? Typed(string text, JsonObject? schema)
    {
        var types = schema?["type"] switch
        {
            JsonValue single when single.TryGetValue<string>(out var type) => [type],
            JsonArray many => many.Select(t => (string?)t).OfType<string>().ToArray(),
            _ => Array.Empty<string>(),
        };

        if (types.Contains("integer") && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return integer;
        }

        if ((types.Contains("number") || types.Contains("integer")) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (types.Contains("boolean") && bool.TryParse(text, out var flag))
        {
            return flag;
        }

        if (types.Contains("object") || types.Contains("array"))
        {
            try
            {
                return JsonNode.Parse(text);
            }
            catch (JsonException)
            {
            }
        }

        return text;
    }

    private static JsonNode? FromYaml(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(p => KeyValuePair.Create((p.Key as YamlScalarNode)?.Value ?? p.Key.ToString(), Convert(p.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new YamlException(node.Start, node.End, "anchors and aliases are not supported in a configuration file"),
    };

    // YAML 1.2's core schema for plain scalars; a quoted scalar is always text.
    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return value;
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) => integer,
            _ when decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && value.Any(char.IsDigit) => number,
            _ => value,
        };
    }
}

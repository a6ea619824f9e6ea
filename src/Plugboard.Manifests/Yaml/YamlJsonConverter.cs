using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plugboard.Manifests.Text;

namespace Plugboard.Manifests.Yaml;

/// <summary>
/// Turns YAML into JSON with YAML 1.2's core schema: plain <c>true</c>/<c>false</c>, numbers and
/// <c>null</c>/<c>~</c> become JSON booleans, numbers and null; quoted or block scalars stay text.
/// </summary>
internal static partial class YamlJsonConverter
{
    /// <param name="node">The YAML.</param>
    /// <param name="path">Its field path, for errors.</param>
    /// <param name="error">Receives problems (non-text keys) with their node and path.</param>
    public static JsonNode? ToJson(YamlTreeNode node, string path, Action<YamlTreeNode, string, string> error)
    {
        switch (node)
        {
            case YamlTreeSequence sequence:
                var array = new JsonArray();
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    array.Add(ToJson(sequence.Items[i], FieldPath.Index(path, i), error));
                }

                return array;

            case YamlTreeMapping mapping:
                var obj = new JsonObject();
                foreach (var (keyNode, valueNode) in mapping.Entries)
                {
                    if (keyNode is not YamlTreeScalar key)
                    {
                        error(keyNode, path, $"keys must be text, not {keyNode.Kind}");
                        continue;
                    }

                    // Duplicates are reported for the whole file; the first one wins here.
                    if (!obj.ContainsKey(key.Value))
                    {
                        obj[key.Value] = ToJson(valueNode, FieldPath.Property(path, key.Value), error);
                    }
                }

                return obj;

            default:
                return Scalar((YamlTreeScalar)node);
        }
    }

    /// <summary>A scalar as JSON: typed when plain, text otherwise.</summary>
    public static JsonNode? Scalar(YamlTreeScalar scalar)
    {
        if (!scalar.IsPlain)
        {
            return JsonValue.Create(scalar.Value);
        }

        var text = scalar.Value;
        if (scalar.IsNull)
        {
            return null;
        }

        if (text is "true" or "True" or "TRUE")
        {
            return JsonValue.Create(true);
        }

        if (text is "false" or "False" or "FALSE")
        {
            return JsonValue.Create(false);
        }

        if (Integer().IsMatch(text))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
            {
                return JsonValue.Create(whole);
            }

            if (decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var large))
            {
                return JsonValue.Create(large);
            }
        }

        if (text.StartsWith("0x", StringComparison.Ordinal) && text.Length > 2
            && long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (Octal().IsMatch(text))
        {
            try
            {
                return JsonValue.Create(Convert.ToInt64(text[2..], 8));
            }
            catch (OverflowException)
            {
                return JsonValue.Create(text);
            }
        }

        if (Float().IsMatch(text))
        {
            if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
            {
                return JsonValue.Create(exact);
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var approximate) && double.IsFinite(approximate))
            {
                return JsonValue.Create(approximate);
            }
        }

        // .inf and .nan have no JSON form; they stay text like everything else.
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex Integer();

    [GeneratedRegex("^0o[0-7]+$")]
    private static partial Regex Octal();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}

using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Plugboard.Sources.Configuration.Yaml;

/// <summary>
/// Reads a YAML configuration file. Flattens a YAML document into configuration keys the way the JSON provider flattens JSON: mappings nest
/// with <c>:</c>, sequence items are numbered from 0, scalars are text, and <c>null</c> or <c>~</c> is an empty value.
/// </summary>
public sealed class YamlConfigurationProvider(YamlConfigurationSource source) : FileConfigurationProvider(source)
{
    /// <inheritdoc />
    public override void Load(Stream stream)
    {
        var stream2 = new YamlStream();
        try
        {
            using var reader = new StreamReader(stream);
            stream2.Load(reader);
        }
        catch (YamlException ex)
        {
            var file = Source.Path ?? "the YAML configuration";
            throw new FormatException($"{file}:{ex.Start.Line}:{ex.Start.Column}: {ex.Message}", ex);
        }

        var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (stream2.Documents.Count > 0)
        {
            Flatten(stream2.Documents[0].RootNode, null, data);
        }

        Data = data;
    }

    private void Flatten(YamlNode node, string? prefix, Dictionary<string, string?> data)
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode { Value: { } text } ? text : throw KeyError(key);
                    Flatten(value, prefix is null ? name : ConfigurationPath.Combine(prefix, name), data);
                }

                break;
            case YamlSequenceNode sequence:
                for (var i = 0; i < sequence.Children.Count; i++)
                {
                    Flatten(sequence.Children[i], ConfigurationPath.Combine(prefix ?? string.Empty, i.ToString(System.Globalization.CultureInfo.InvariantCulture)), data);
                }

                break;
            case YamlScalarNode scalar when prefix is not null:
                var isNull = scalar.Style == YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is null or "" or "~" or "null" or "Null" or "NULL";
                if (!data.TryAdd(prefix, isNull ? string.Empty : scalar.Value))
                {
                    throw new FormatException($"{Source.Path}:{scalar.Start.Line}:{scalar.Start.Column}: the key '{prefix}' is given twice (configuration keys ignore case).");
                }

                break;
        }
    }

    private FormatException KeyError(YamlNode key)
        => new($"{Source.Path}:{key.Start.Line}:{key.Start.Column}: configuration keys must be plain text, not a list or a mapping.");
}

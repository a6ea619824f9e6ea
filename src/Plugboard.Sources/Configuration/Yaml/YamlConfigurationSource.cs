using Microsoft.Extensions.Configuration;

namespace Plugboard.Sources.Configuration.Yaml;

/// <summary>A YAML file as a configuration source, with the same keys the JSON provider gives (<c>a:b:0:c</c>).</summary>
public sealed class YamlConfigurationSource : FileConfigurationSource
{
    /// <inheritdoc />
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new YamlConfigurationProvider(this);
    }
}

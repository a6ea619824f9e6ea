using Microsoft.Extensions.Configuration;

namespace Plugboard.Cli.Configuration;

/// <summary>A YAML file as a configuration source, with the same keys the JSON provider gives (<c>a:b:0:c</c>).</summary>
internal sealed class YamlConfigurationSource : FileConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new YamlConfigurationProvider(this);
    }
}

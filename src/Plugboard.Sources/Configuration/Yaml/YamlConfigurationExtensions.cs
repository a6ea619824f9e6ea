using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.FileProviders;
using Plugboard.Sources.Configuration.Yaml;

namespace Microsoft.Extensions.Configuration;

/// <summary>Adds YAML files (e.g. <c>plugboard.yaml</c>) to a configuration, keyed as the JSON provider keys JSON.</summary>
public static class YamlConfigurationExtensions
{
    /// <summary>Adds the YAML file at <paramref name="path"/>.</summary>
    /// <param name="builder">The configuration builder.</param>
    /// <param name="path">The file; a relative path is taken from the current directory.</param>
    /// <param name="optional">Whether a missing file is fine.</param>
    /// <param name="reloadOnChange">Whether to reload when the file changes.</param>
    public static IConfigurationBuilder AddYamlFile(this IConfigurationBuilder builder, string path, bool optional = false, bool reloadOnChange = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        return builder.Add(new YamlConfigurationSource
        {
            Path = Path.GetFileName(full),
            Optional = optional,
            ReloadOnChange = reloadOnChange,
            FileProvider = Directory.Exists(directory) ? new PhysicalFileProvider(directory) : null,
        });
    }
}

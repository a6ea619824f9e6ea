using Microsoft.Extensions.Configuration;
using Plugboard.Sources.Configuration;

namespace Plugboard.Sources.Tests;

public sealed class YamlConfigurationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("plugboard-yaml-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Sources_declared_in_yaml_bind_like_json()
    {
        var file = Path.Combine(_directory, "plugboard.yaml");
        File.WriteAllText(file, """
            Plugboard:
              Sources:
                CacheDirectory: /var/cache/plugboard
                Sources:
                  - Name: team-plugins
                    Type: git
                    Url: https://git.example.org/plugins.git
                    Ref: v1.2.0
                    Credentials:
                      TokenEnv: PLUGINS_TOKEN
                    Sets:
                      - Path: datasources
                        Version: ^1.2
                        Plugins: [custom-http, custom-ldif]
                  - Name: drop
                    Type: fs
                    Path: ~
            """);

        var options = new ConfigurationBuilder().AddYamlFile(file).Build()
            .GetSection("Plugboard:Sources").Get<PlugboardSourcesOptions>()!;

        Assert.Equal("/var/cache/plugboard", options.CacheDirectory);
        var git = options.Sources[0];
        Assert.Equal(("team-plugins", "git", "v1.2.0", "PLUGINS_TOKEN"), (git.Name, git.Type, git.Ref, git.Credentials.TokenEnv));
        Assert.Equal(["custom-http", "custom-ldif"], git.Sets[0].Plugins);
        Assert.Equal("^1.2", git.Sets[0].Version);
        Assert.True(string.IsNullOrEmpty(options.Sources[1].Path));
    }

    [Fact]
    public void A_yaml_syntax_error_names_the_file_line_and_column()
    {
        var file = Path.Combine(_directory, "broken.yaml");
        File.WriteAllText(file, "Plugboard:\n  Sources: [unclosed\n");

        var error = Assert.Throws<InvalidDataException>(() => new ConfigurationBuilder().AddYamlFile(file).Build());

        Assert.Contains("broken.yaml", error.Message);
        var yaml = Assert.IsType<YamlDotNet.Core.SemanticErrorException>(error.InnerException?.InnerException, exactMatch: false);
        Assert.Equal(3, yaml.Start.Line); // where the parser notices the unclosed [: the end of the file
    }
}

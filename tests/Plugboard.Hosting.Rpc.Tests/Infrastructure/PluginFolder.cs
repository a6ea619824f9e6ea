namespace Plugboard.Hosting.Rpc.Tests.Infrastructure;

/// <summary>A temporary plugin folder with a plugin.yaml, removed on dispose.</summary>
public sealed class PluginFolder : IDisposable
{
    private PluginFolder(string path) => Path = path;

    public string Path { get; }

    public static PluginFolder Create(string id, string runtime, string entry, string? extraYaml = null)
    {
        var path = Directory.CreateTempSubdirectory("pb-plugin-").FullName;
        File.WriteAllText(System.IO.Path.Combine(path, "plugin.yaml"), $"""
            id: {id}
            version: 1.0.0
            contracts:
              - name: usersync.datasource
                version: ^1.0
            runtime: {runtime}
            entry: '{entry.Replace("'", "''", StringComparison.Ordinal)}'
            {extraYaml ?? string.Empty}
            """);
        return new PluginFolder(path);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

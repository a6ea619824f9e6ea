namespace Plugboard.Hosting.Tests;

/// <summary>
/// A fresh plugins directory for one test, filled with copies of the published fixture plugins
/// (see PublishFixturePlugins in the csproj). It lives in a <see cref="TempFolder"/> of its own, deleted
/// when disposed together with any copy a test put beside it (Root.moved, Root.staged).
/// </summary>
public sealed class PluginFolders : IDisposable
{
    public static readonly string FixturesRoot = Path.Combine(AppContext.BaseDirectory, "fixtures");

    private readonly TempFolder _temp = new("hosting");

    public PluginFolders()
    {
        Root = _temp.Combine("plugins");
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Copies a published fixture into the plugins directory.</summary>
    /// <param name="fixture">The fixture project name, e.g. Plugin.Hello.</param>
    /// <param name="folder">The plugin folder name; the fixture name by default.</param>
    /// <param name="manifest">For fixtures with several manifests: which plugin.&lt;manifest&gt;.yaml becomes plugin.yaml.</param>
    public string Install(string fixture, string? folder = null, string? manifest = null)
    {
        var target = Path.Combine(Root, folder ?? fixture);
        CopyFixture(fixture, target, manifest);
        return target;
    }

    /// <summary>Copies a published fixture over an existing folder (files overwritten in place).</summary>
    public static void CopyFixture(string fixture, string target, string? manifest = null)
    {
        var source = Path.Combine(FixturesRoot, fixture);
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"Fixture {fixture} was not published to {source}; build the test project (it publishes tests/Fixtures).");
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            var name = Path.GetFileName(relative);
            if (name.StartsWith("plugin.", StringComparison.Ordinal) && name.EndsWith(".yaml", StringComparison.Ordinal) && name != "plugin.yaml")
            {
                if (manifest is null || name != $"plugin.{manifest}.yaml")
                {
                    continue;
                }

                relative = Path.Combine(Path.GetDirectoryName(relative)!, "plugin.yaml");
            }

            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    public void Dispose() => _temp.Dispose();
}

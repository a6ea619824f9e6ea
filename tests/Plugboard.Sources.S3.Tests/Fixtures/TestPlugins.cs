using Plugboard.Packaging;

namespace Plugboard.Sources.S3.Tests.Fixtures;

/// <summary>Writes real plugin folders (manifest + a file) and packs them with the real packager.</summary>
public static class TestPlugins
{
    public static string WriteFolder(string parent, string id, string version, string content = "one")
    {
        var folder = Path.Combine(parent, $"{id}-{version}-src");
        Directory.CreateDirectory(Path.Combine(folder, "lib"));
        File.WriteAllText(Path.Combine(folder, "plugin.yaml"), $"id: {id}\nversion: {version}\nruntime: assembly\nentry: lib/{id}.dll\n");
        File.WriteAllText(Path.Combine(folder, "lib", id + ".dll"), $"{id} {version} {content}\n");
        return folder;
    }

    /// <summary>Packs a fresh plugin folder into <paramref name="outputFolder"/>/{id}-{version}.pbpkg.</summary>
    public static Task<PackageInfo> PackAsync(string outputFolder, string id, string version, string content = "one")
        => PackageWriter.PackAsync(WriteFolder(outputFolder, id, version, content), Path.Combine(outputFolder, PackageFormat.FileNameFor(id, version)));
}

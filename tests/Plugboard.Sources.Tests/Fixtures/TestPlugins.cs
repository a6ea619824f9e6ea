using Plugboard.Packaging;

namespace Plugboard.Sources.Tests.Fixtures;

/// <summary>Writes real plugin folders (manifest + files) and packs them with the real packager.</summary>
public static class TestPlugins
{
    public static string WriteFolder(string parent, string id, string version, string content = "one", string? folderName = null)
    {
        var folder = Path.Combine(parent, folderName ?? id);
        Directory.CreateDirectory(Path.Combine(folder, "lib"));
        File.WriteAllText(Path.Combine(folder, "plugin.yaml"), $"id: {id}\nversion: {version}\nruntime: assembly\nentry: lib/{id}.dll\n");
        File.WriteAllText(Path.Combine(folder, "lib", id + ".dll"), $"{id} {version} {content}\n");
        return folder;
    }

    /// <summary>Packs a fresh plugin folder into <paramref name="outputFolder"/>/{id}-{version}.pbpkg.</summary>
    public static async Task<PackageInfo> WritePackageAsync(string outputFolder, string id, string version, string content = "one", SigningKey? signer = null)
    {
        using var scratch = new TempFolder("pack");
        var folder = WriteFolder(scratch.Path, id, version, content);
        var info = await PackageWriter.PackAsync(folder, Path.Combine(outputFolder, PackageFormat.FileNameFor(id, version)));
        if (signer is not null)
        {
            await signer.SignPackageAsync(info.Path!);
        }

        return info;
    }

    public static async Task WriteTrustedKeyAsync(string folder, SigningKey key)
    {
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, key.KeyId + ".pem"), key.PublicKeyPem);
    }
}

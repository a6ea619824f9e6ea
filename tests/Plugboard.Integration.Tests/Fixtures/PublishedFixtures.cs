namespace Plugboard.Integration.Tests.Fixtures;

/// <summary>
/// The fixture plugins this project's build publishes (see PublishFixturePlugins in the csproj): real compiled
/// plugins, each a folder with its plugin.yaml, assemblies and .deps.json, as `dotnet publish` leaves them.
/// </summary>
public static class PublishedFixtures
{
    /// <summary>custom-reload 1.0.0, answering "v1 {name}".</summary>
    public const string ReloadV1 = "Plugin.Reload.V1";

    /// <summary>custom-reload 2.0.0, answering "v2 {name}".</summary>
    public const string ReloadV2 = "Plugin.Reload.V2";

    /// <summary>custom-hello 1.0.0, answering "Hello, {name}!".</summary>
    public const string Hello = "Plugin.Hello";

    public static readonly string Root = Path.Combine(AppContext.BaseDirectory, "fixtures");

    /// <summary>Copies a published fixture into <paramref name="target"/>, replacing what was there.</summary>
    public static void CopyTo(string fixture, string target)
    {
        var source = Path.Combine(Root, fixture);
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"Fixture {fixture} was not published to {source}; build the test project (it publishes tests/Fixtures).");
        }

        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}

namespace Plugboard.Manifests.Tests;

/// <summary>The sample manifests copied next to the test assembly.</summary>
internal static class ManifestFiles
{
    public static string Folder(string name) => Path.Combine(AppContext.BaseDirectory, "Manifests", name);
}

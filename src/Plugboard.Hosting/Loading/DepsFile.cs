using System.Text.Json;

namespace Plugboard.Hosting.Loading;

/// <summary>Reads a plugin's <c>.deps.json</c> to explain resolution failures by file name.</summary>
internal static class DepsFile
{
    /// <summary>
    /// The runtime and native files the <c>.deps.json</c> beside <paramref name="entryAssemblyPath"/>
    /// lists that are not in the plugin folder (published flat, or at their listed relative path).
    /// </summary>
    public static IReadOnlyList<string> FindMissingFiles(string entryAssemblyPath)
    {
        var directory = Path.GetDirectoryName(entryAssemblyPath)!;
        var depsPath = Path.ChangeExtension(entryAssemblyPath, ".deps.json");
        if (!File.Exists(depsPath))
        {
            return [];
        }

        var missing = new List<string>();
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(depsPath));
            if (!document.RootElement.TryGetProperty("targets", out var targets))
            {
                return [];
            }

            foreach (var target in targets.EnumerateObject())
            {
                foreach (var library in target.Value.EnumerateObject())
                {
                    foreach (var kind in new[] { "runtime", "native" })
                    {
                        if (!library.Value.TryGetProperty(kind, out var assets))
                        {
                            continue;
                        }

                        foreach (var asset in assets.EnumerateObject())
                        {
                            var relative = asset.Name;
                            if (!File.Exists(Path.Combine(directory, relative)) && !File.Exists(Path.Combine(directory, Path.GetFileName(relative))))
                            {
                                missing.Add(Path.GetFileName(relative));
                            }
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            return [$"{Path.GetFileName(depsPath)} (not valid JSON)"];
        }

        return missing;
    }
}

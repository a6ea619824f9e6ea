namespace Plugboard.Distribution.Tests;

/// <summary>
/// A folder as a new user's machine would have it, offline: an empty NuGet cache folder (NUGET_PACKAGES), a NuGet.Config
/// whose only sources are the artifacts' local folder feed and, for third-party packages (Microsoft.Extensions.*, gRPC),
/// the NuGet cache the solution's own restore filled (a local folder feed too), and a private 'dotnet new' template hive.
/// Nothing here reaches a network.
/// </summary>
public sealed class CleanNuGet : IDisposable
{
    private readonly TempFolder _folder = new("dist");

    public CleanNuGet(PackedArtifacts artifacts)
    {
        Root = _folder.Path;
        var cache = Path.Combine(Root, "nuget-packages");
        TemplateHive = Path.Combine(Root, "template-hive");
        Directory.CreateDirectory(cache);
        Directory.CreateDirectory(TemplateHive);
        File.WriteAllText(Path.Combine(Root, "NuGet.Config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="plugboard-artifacts" value="{artifacts.Packages}" />
                <add key="machine-nuget-cache" value="{MachineNuGetCache()}" />
              </packageSources>
            </configuration>
            """);
        Environment = new Dictionary<string, string>
        {
            ["NUGET_PACKAGES"] = cache,
            ["NUGET_HTTP_CACHE_PATH"] = Path.Combine(Root, "nuget-http-cache"),
        };
    }

    /// <summary>Where projects go: NuGet finds this folder's NuGet.Config from every folder under it.</summary>
    public string Root { get; }

    /// <summary>The 'dotnet new' templates installed here only (<c>--debug:custom-hive</c>).</summary>
    public string TemplateHive { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public string Combine(params string[] parts) => _folder.Combine(parts);

    public Task<ProcessResult> DotnetAsync(string workingDirectory, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", args, workingDirectory, Environment);

    public void Dispose() => _folder.Dispose();

    private static string MachineNuGetCache() =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}

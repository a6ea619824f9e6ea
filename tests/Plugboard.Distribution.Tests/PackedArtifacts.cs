using System.Xml.Linq;

namespace Plugboard.Distribution.Tests;

/// <summary>
/// What <c>scripts/pack.sh</c> produced, packed once per test run (every test class shares it): the NuGet packages,
/// the tool package, the template package and the single-file build, at the version Directory.Build.props sets.
/// </summary>
public sealed class PackedArtifacts
{
    private static readonly Lazy<Task<PackedArtifacts>> Packed = new(PackAsync);

    private PackedArtifacts(string repository, string version)
    {
        Repository = repository;
        Version = version;
    }

    /// <summary>The packed artifacts, packing them first if this test run has not yet.</summary>
    public static Task<PackedArtifacts> GetAsync() => Packed.Value;

    public string Repository { get; }

    /// <summary>The one version every package has (<c>&lt;Version&gt;</c> in Directory.Build.props).</summary>
    public string Version { get; }

    /// <summary>The local folder feed: every .nupkg and .snupkg.</summary>
    public string Packages => Path.Combine(Repository, "artifacts", "packages");

    /// <summary>The self-contained single-file linux-x64 command.</summary>
    public string SingleFile => Path.Combine(Repository, "artifacts", "cli", "linux-x64", "plugboard");

    public string PackageFile(string id) => Path.Combine(Packages, $"{id}.{Version}.nupkg");

    private static async Task<PackedArtifacts> PackAsync()
    {
        var repository = FindRepository();
        var version = ReadVersion(repository);
        // PLUGBOARD_REUSE_ARTIFACTS=1 (while working on these tests only) takes artifacts/ as a finished scripts/pack.sh left it.
        var reuse = Environment.GetEnvironmentVariable("PLUGBOARD_REUSE_ARTIFACTS") == "1"
            && File.Exists(Path.Combine(repository, "artifacts", "cli", "linux-x64", "plugboard"));
        if (!reuse)
        {
            var result = await ProcessRunner.RunAsync("bash", [Path.Combine(repository, "scripts", "pack.sh")], repository, timeout: TimeSpan.FromMinutes(30));
            Assert.True(result.ExitCode == 0, result.ToString());
        }

        return new PackedArtifacts(repository, version);
    }

    /// <summary>The one version of every package: <c>&lt;Version&gt;</c> in Directory.Build.props.</summary>
    public static string ReadVersion(string repository) =>
        XDocument.Load(Path.Combine(repository, "Directory.Build.props")).Descendants("Version").Single().Value;

    /// <summary>The repository these tests were built in.</summary>
    public static string FindRepository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Plugboard.sln")) && File.Exists(Path.Combine(folder.FullName, "scripts", "pack.sh")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No repository (Plugboard.sln and scripts/pack.sh) above {AppContext.BaseDirectory}");
    }
}

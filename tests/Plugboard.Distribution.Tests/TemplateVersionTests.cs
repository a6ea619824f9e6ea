using System.Xml.Linq;

namespace Plugboard.Distribution.Tests;

/// <summary>
/// The templates name third-party packages at the versions the repository pins (Directory.Packages.props): a project made
/// from a template then builds against the same packages the libraries were tested with, and, in these tests, restores
/// offline from the NuGet cache the solution's own restore filled (<see cref="CleanNuGet"/>).
/// </summary>
public sealed class TemplateVersionTests
{
    [Fact]
    public void Every_package_a_template_references_is_at_the_repository_s_pinned_version_or_plugboard_s_own()
    {
        var repository = PackedArtifacts.FindRepository();
        var pinned = XDocument.Load(Path.Combine(repository, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value, StringComparer.OrdinalIgnoreCase);
        var version = PackedArtifacts.ReadVersion(repository);
        var references = Directory.EnumerateFiles(Path.Combine(repository, "templates", "content"), "*.csproj", SearchOption.AllDirectories)
            .SelectMany(project => XDocument.Load(project).Descendants("PackageReference").Select(r => (
                Project: Path.GetRelativePath(repository, project), Id: r.Attribute("Include")!.Value, Version: r.Attribute("Version")?.Value)))
            .ToList();

        Assert.NotEmpty(references);
        foreach (var (project, id, referenced) in references)
        {
            var expected = id.StartsWith("Plugboard.", StringComparison.Ordinal) ? version : pinned.GetValueOrDefault(id);
            Assert.True(expected is not null && expected == referenced,
                $"{project} references {id} {referenced}, but the repository pins {expected ?? "nothing"}: use the pinned version (Directory.Packages.props; <Version> in Directory.Build.props for Plugboard's own).");
        }
    }
}

using System.IO.Compression;
using System.Xml.Linq;

namespace Plugboard.Distribution.Tests;

/// <summary>The library packages hosts and plugin authors reference: one version, README, licence, repository, symbols.</summary>
public sealed class LibraryPackageTests
{
    public static TheoryData<string> Libraries => new()
    {
        "Plugboard.Abstractions", "Plugboard.Manifests", "Plugboard.Packaging", "Plugboard.Hosting", "Plugboard.Rpc.Protocol",
        "Plugboard.Hosting.Rpc", "Plugboard.PluginSdk", "Plugboard.Sources", "Plugboard.Sources.S3",
    };

    [Theory]
    [MemberData(nameof(Libraries))]
    public async Task A_library_package_has_the_version_a_readme_a_licence_a_repository_and_symbols(string id)
    {
        var artifacts = await PackedArtifacts.GetAsync();

        var metadata = ReadNuspec(artifacts.PackageFile(id), out var entries);
        Assert.Equal(artifacts.Version, metadata.Element(metadata.Name.Namespace + "version")!.Value);
        Assert.Equal("MIT", metadata.Element(metadata.Name.Namespace + "license")!.Value);
        var readme = metadata.Element(metadata.Name.Namespace + "readme")!.Value;
        Assert.Contains(readme, entries);
        Assert.StartsWith("https://", metadata.Element(metadata.Name.Namespace + "repository")!.Attribute("url")!.Value, StringComparison.Ordinal);
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);

        // Symbols beside it, with the sources embedded in the PDB.
        var symbols = Path.ChangeExtension(artifacts.PackageFile(id), ".snupkg");
        using var snupkg = ZipFile.OpenRead(symbols);
        Assert.Contains(snupkg.Entries, e => e.FullName == $"lib/net10.0/{id}.pdb");
    }

    [Fact]
    public async Task A_library_depends_on_the_other_plugboard_packages_at_the_same_version()
    {
        var artifacts = await PackedArtifacts.GetAsync();

        var metadata = ReadNuspec(artifacts.PackageFile("Plugboard.PluginSdk"), out _);
        var dependencies = metadata.Descendants(metadata.Name.Namespace + "dependency").ToDictionary(d => d.Attribute("id")!.Value, d => d.Attribute("version")!.Value);
        Assert.Equal(artifacts.Version, dependencies["Plugboard.Abstractions"]);
        Assert.Equal(artifacts.Version, dependencies["Plugboard.Rpc.Protocol"]);
        Assert.Contains(metadata.Descendants(metadata.Name.Namespace + "frameworkReference"), f => f.Attribute("name")!.Value == "Microsoft.AspNetCore.App");
    }

    [Fact]
    public async Task The_tool_and_the_templates_are_packed_beside_the_libraries()
    {
        var artifacts = await PackedArtifacts.GetAsync();

        var tool = ReadNuspec(artifacts.PackageFile("plugboard"), out var toolEntries);
        Assert.Contains(tool.Descendants(tool.Name.Namespace + "packageType"), t => t.Attribute("name")!.Value == "DotnetTool");
        Assert.Contains("tools/net10.0/any/DotnetToolSettings.xml", toolEntries);

        var templates = ReadNuspec(artifacts.PackageFile("Plugboard.Templates"), out var templateEntries);
        Assert.Contains(templates.Descendants(templates.Name.Namespace + "packageType"), t => t.Attribute("name")!.Value == "Template");
        foreach (var template in new[] { "host", "plugin", "process-plugin" })
        {
            Assert.Contains($"content/{template}/.template.config/template.json", templateEntries);
        }

        Assert.DoesNotContain(templateEntries, e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal));
    }

    private static XElement ReadNuspec(string package, out IReadOnlyList<string> entries)
    {
        using var zip = ZipFile.OpenRead(package);
        entries = [.. zip.Entries.Select(e => e.FullName)];
        var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal) && !e.FullName.Contains('/', StringComparison.Ordinal));
        using var stream = nuspec.Open();
        var document = XDocument.Load(stream);
        return document.Root!.Element(document.Root.Name.Namespace + "metadata")!;
    }
}

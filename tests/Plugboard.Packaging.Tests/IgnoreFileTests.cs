using Plugboard.Packaging.Tests.Fixtures;

namespace Plugboard.Packaging.Tests;

/// <summary>What packing leaves out: a folder's .pbignore (gitignore syntax), else default rules, and what it reports.</summary>
public sealed class IgnoreFileTests : IDisposable
{
    private readonly TempFolder _temp = new("ignore");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_dotnet_project_folder_without_an_ignore_file_leaves_out_bin_and_obj_and_says_so()
    {
        var plugin = ProjectFolder();

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        Assert.Equal(["bin/", "obj/"], info.LeftOut.Order(StringComparer.Ordinal));
        Assert.Equal("default rules for a .NET project folder", info.IgnoreRules);
        Assert.DoesNotContain(info.Contents.Files, f => f.Path.StartsWith("bin/", StringComparison.Ordinal) || f.Path.StartsWith("obj/", StringComparison.Ordinal));
        Assert.NotNull(info.Contents.Find("Hello.csproj"));
        Assert.NotNull(info.Contents.Find("lib/Hello.dll"));
        Assert.True((await PackageVerifier.VerifyAsync(info.Path!)).IsValid);
    }

    [Fact]
    public async Task A_folder_that_is_no_project_keeps_its_bin_folder_where_plugins_put_their_programs()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        Assert.NotNull(info.Contents.Find("bin/tool.sh"));
        Assert.Empty(info.LeftOut);
        Assert.Equal("default rules", info.IgnoreRules);
    }

    [Fact]
    public async Task Editor_and_os_droppings_are_left_out_by_default()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        Write(plugin, ".vs/state.json", "{}");
        Write(plugin, "Hello.csproj.user", "<Project />");
        Write(plugin, "lib/.DS_Store", "x");
        Write(plugin, "node_modules/.cache/babel/x.json", "{}");

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        Assert.Equal([".vs/", "Hello.csproj.user", "lib/.DS_Store", "node_modules/.cache/"], info.LeftOut.Order(StringComparer.Ordinal));
        Assert.Equal(SamplePlugin.Files.Count, info.FileCount);
    }

    [Fact]
    public async Task A_pbignore_with_a_negation_takes_a_file_back_and_replaces_the_defaults()
    {
        var plugin = ProjectFolder();
        Write(plugin, "logs/debug.log", "noise");
        Write(plugin, "logs/keep.log", "kept");
        Write(plugin, ".pbignore", """
            # build intermediates only: bin/ stays in this package
            obj/
            *.log
            !keep.log
            """);

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        Assert.Equal(["logs/debug.log", "obj/"], info.LeftOut.Order(StringComparer.Ordinal));
        Assert.Equal(".pbignore", info.IgnoreRules);
        Assert.NotNull(info.Contents.Find("logs/keep.log"));
        Assert.NotNull(info.Contents.Find("bin/Release/net10.0/Hello.dll"));
        Assert.Null(info.Contents.Find(".pbignore"));
    }

    [Fact]
    public async Task The_manifest_is_packed_whatever_the_rules_say()
    {
        var plugin = SamplePlugin.Write(_temp.Combine("plugin"));
        Write(plugin, ".pbignore", "*.yaml\n");

        var info = await PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg"));

        Assert.NotNull(info.Contents.Find("plugin.yaml"));
    }

    [Fact]
    public async Task An_entry_the_rules_leave_out_is_refused_naming_the_entry_and_the_rules()
    {
        var plugin = ProjectFolder(entry: "bin/Release/net10.0/Hello.dll");

        var error = await Assert.ThrowsAsync<PackageException>(() => PackageWriter.PackAsync(plugin, _temp.Combine("p.pbpkg")));

        Assert.Contains("entry 'bin/Release/net10.0/Hello.dll' is left out by the default rules for a .NET project folder", error.Message, StringComparison.Ordinal);
        Assert.Contains(".pbignore", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("p.pbpkg")));
    }

    // A C# plugin's project folder after 'dotnet build': sources, project file, bin/ and obj/.
    private string ProjectFolder(string entry = "lib/Hello.dll")
    {
        var plugin = SamplePlugin.Write(_temp.Combine("project"));
        File.Delete(Path.Combine(plugin, "bin", "tool.sh"));
        Write(plugin, "plugin.yaml", SamplePlugin.Manifest.Replace("entry: lib/Hello.dll", $"entry: {entry}", StringComparison.Ordinal));
        Write(plugin, "Hello.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        Write(plugin, "HelloPlugin.cs", "public sealed class HelloPlugin { }");
        Write(plugin, "bin/Release/net10.0/Hello.dll", "built");
        Write(plugin, "obj/project.assets.json", "{}");
        return plugin;
    }

    private static void Write(string folder, string path, string content)
    {
        var full = Path.Combine(folder, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }
}

using System.Text.Json;

namespace Plugboard.Distribution.Tests;

/// <summary>The plugboard command as people install it: the .NET tool from the local feed, and the single-file build.</summary>
public sealed class CommandInstallTests : IDisposable
{
    private CleanNuGet? _nuget;

    public void Dispose() => _nuget?.Dispose();

    [Fact]
    public async Task The_tool_package_installs_into_a_tool_path_and_says_it_is_the_tool()
    {
        var artifacts = await PackedArtifacts.GetAsync();
        _nuget = new CleanNuGet(artifacts);
        var tools = _nuget.Combine("tools");

        var install = await _nuget.DotnetAsync(_nuget.Root, "tool", "install", "plugboard", "--tool-path", tools, "--add-source", artifacts.Packages, "--version", artifacts.Version);
        Assert.True(install.ExitCode == 0, install.ToString());

        var version = await ProcessRunner.RunAsync(Path.Combine(tools, "plugboard"), ["version", "--json"], _nuget.Root, _nuget.Environment);
        Assert.True(version.ExitCode == 0, version.ToString());
        using var json = JsonDocument.Parse(version.Out);
        Assert.Equal("tool", json.RootElement.GetProperty("build").GetString());
        Assert.Equal(artifacts.Version, json.RootElement.GetProperty("version").GetString());

        var dashDash = await ProcessRunner.RunAsync(Path.Combine(tools, "plugboard"), ["--version"], _nuget.Root, _nuget.Environment);
        Assert.Equal(artifacts.Version, dashDash.Out.Trim());
    }

    [Fact]
    public async Task The_single_file_build_runs_on_its_own_and_says_it_is_single_file()
    {
        var artifacts = await PackedArtifacts.GetAsync();
        _nuget = new CleanNuGet(artifacts);

        // Self-contained: it needs no dotnet on PATH, so it runs with an empty one.
        var version = await ProcessRunner.RunAsync(artifacts.SingleFile, ["version", "--json"], _nuget.Root,
            new Dictionary<string, string> { ["PATH"] = "", ["DOTNET_ROOT"] = _nuget.Combine("no-dotnet"), ["HOME"] = _nuget.Root });
        Assert.True(version.ExitCode == 0, version.ToString());
        using var json = JsonDocument.Parse(version.Out);
        Assert.Equal("single-file", json.RootElement.GetProperty("build").GetString());
        Assert.Equal(artifacts.Version, json.RootElement.GetProperty("version").GetString());
        Assert.Equal("linux-x64", json.RootElement.GetProperty("platform").GetString());
    }
}

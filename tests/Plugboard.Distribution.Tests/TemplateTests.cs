namespace Plugboard.Distribution.Tests;

/// <summary>
/// The 'dotnet new' templates, installed from the template package into a private hive, instantiated and built against the
/// local feed on a clean NuGet cache, then run: the in-process plugin loads in the host, the process plugin passes
/// 'plugboard test'.
/// </summary>
public sealed class TemplateTests : IDisposable
{
    private CleanNuGet? _nuget;

    public void Dispose() => _nuget?.Dispose();

    [Fact]
    public async Task The_host_loads_the_plugin_made_from_the_plugin_template_from_its_fs_source()
    {
        var nuget = await InstallTemplatesAsync();
        var solution = nuget.Combine("acme");

        await NewAsync(nuget, "plugboard-host", "-n", "Acme", "-o", solution);
        await NewAsync(nuget, "plugboard-plugin", "-n", "Acme.Hello", "--host", "Acme", "-o", Path.Combine(solution, "Acme.Hello"));

        // The host's fs source reads plugins/ (plugin folders, packed on the fly); the plugin is published there.
        var host = Path.Combine(solution, "Acme");
        await SucceedsAsync(nuget.DotnetAsync(solution, "publish", Path.Combine(solution, "Acme.Hello"), "-c", "Release", "-o", Path.Combine(host, "plugins", "hello")));
        await SucceedsAsync(nuget.DotnetAsync(solution, "build", host, "-c", "Release"));

        var run = await SucceedsAsync(ProcessRunner.RunAsync("dotnet", [Path.Combine(host, "bin", "Release", "net10.0", "Acme.dll"), "--once"], host, nuget.Environment));
        Assert.Contains("custom-hello 1.0.0: Active", run.Out, StringComparison.Ordinal);
        Assert.Contains("custom-hello says: Hello, world!", run.Out, StringComparison.Ordinal);
        // Shared with the host, so not shipped with the plugin.
        Assert.False(File.Exists(Path.Combine(host, "plugins", "hello", "Plugboard.Abstractions.dll")));
        Assert.False(File.Exists(Path.Combine(host, "plugins", "hello", "Acme.Contracts.dll")));
    }

    [Fact]
    public async Task The_process_plugin_template_builds_and_passes_plugboard_test()
    {
        var nuget = await InstallTemplatesAsync();
        var artifacts = await PackedArtifacts.GetAsync();
        var project = nuget.Combine("remote");

        await NewAsync(nuget, "plugboard-process-plugin", "-n", "Acme.Remote", "-o", project);
        await SucceedsAsync(nuget.DotnetAsync(project, "build", "-c", "Release"));

        // The plugboard of the tool package, as a plugin author has it.
        var tools = nuget.Combine("tools");
        await SucceedsAsync(nuget.DotnetAsync(nuget.Root, "tool", "install", "plugboard", "--tool-path", tools, "--add-source", artifacts.Packages, "--version", artifacts.Version));
        var test = await ProcessRunner.RunAsync(Path.Combine(tools, "plugboard"), ["test", Path.Combine(project, "bin", "Release", "net10.0"), "--strict"], project, nuget.Environment);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("greeting.v1.Greeter/Greet", test.Out, StringComparison.Ordinal);
    }

    private async Task<CleanNuGet> InstallTemplatesAsync()
    {
        var artifacts = await PackedArtifacts.GetAsync();
        _nuget = new CleanNuGet(artifacts);
        await SucceedsAsync(_nuget.DotnetAsync(_nuget.Root, "new", "install", artifacts.PackageFile("Plugboard.Templates"), "--debug:custom-hive", _nuget.TemplateHive));
        return _nuget;
    }

    private static Task<ProcessResult> NewAsync(CleanNuGet nuget, params string[] args) =>
        SucceedsAsync(nuget.DotnetAsync(nuget.Root, ["new", .. args, "--debug:custom-hive", nuget.TemplateHive]));

    private static async Task<ProcessResult> SucceedsAsync(Task<ProcessResult> running)
    {
        var result = await running;
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }
}

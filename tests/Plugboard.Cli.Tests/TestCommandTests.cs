using System.Reflection;
using System.Text.Json;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

/// <summary><c>plugboard test</c> on the real C# process plugin of the usersync sample.</summary>
public sealed class TestCommandTests : IDisposable
{
    private static readonly string SamplePlugin = typeof(TestCommandTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "CSharpProcessDirectory").Value!;

    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private static HashSet<string> TestFolders() => [.. Directory.GetDirectories(Path.GetTempPath(), "plugboard-test-*")];

    [Fact]
    public async Task A_conforming_plugin_folder_passes_every_check()
    {
        var result = await CliRunner.RunAsync(_sandbox, "test", SamplePlugin, "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var report = JsonDocument.Parse(result.Out).RootElement;
        Assert.True(report.GetProperty("passed").GetBoolean());
        Assert.Equal("custom-csv-process", report.GetProperty("pluginId").GetString());
        var checks = report.GetProperty("checks").EnumerateArray().ToList();
        Assert.Contains(checks, c => c.GetProperty("name").GetString() == "handshake");
        Assert.All(checks, c => Assert.True(c.GetProperty("passed").GetBoolean(), c.ToString()));
    }

    [Fact]
    public async Task With_transport_tcp_the_plugin_is_checked_on_loopback_TCP()
    {
        var result = await CliRunner.RunAsync(_sandbox, "test", SamplePlugin, "--transport", "tcp", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var checks = JsonDocument.Parse(result.Out).RootElement.GetProperty("checks").EnumerateArray().ToList();
        var handshake = checks.Single(c => c.GetProperty("name").GetString() == "handshake");
        Assert.Contains("http://127.0.0.1:", handshake.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_is_verified_extracted_and_checked_and_nothing_is_left_behind()
    {
        var package = _sandbox.PathOf("out", "csv.pbpkg");
        var pack = await CliRunner.RunAsync(_sandbox, "pack", SamplePlugin, "-o", package);

        var before = TestFolders();
        var result = await CliRunner.RunAsync(_sandbox, "test", package);

        Assert.True(pack.ExitCode == 0, pack.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("PASS  exit on stdin close", result.Out, StringComparison.Ordinal);
        Assert.Contains("Result: custom-csv-process conforms", result.Out, StringComparison.Ordinal);
        Assert.Empty(TestFolders().Except(before));
    }

    [Fact]
    public async Task A_configuration_that_does_not_fit_the_plugin_schema_fails_with_the_field()
    {
        var config = _sandbox.WriteFile("config.json", """{ "usersFile": 42 }""");

        var result = await CliRunner.RunAsync(_sandbox, "test", SamplePlugin, "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  sample configuration", result.Out, StringComparison.Ordinal);
        Assert.Contains("usersFile", result.Out, StringComparison.Ordinal);
        Assert.Contains("does not conform", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_plugin_is_not_an_out_of_process_plugin()
    {
        var result = await CliRunner.RunAsync(_sandbox, "test", PluginFolders.Hello(_sandbox, "src/hello"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  manifest", result.Out, StringComparison.Ordinal);
        Assert.Contains("runtime: process or endpoint", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configuration_file_that_is_not_a_json_object_is_an_error()
    {
        var config = _sandbox.WriteFile("config.json", "[1, 2]");

        var result = await CliRunner.RunAsync(_sandbox, "test", SamplePlugin, "--config", config);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("must hold a JSON object", result.Error, StringComparison.Ordinal);
    }
}

using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

public sealed class UsageTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Without_arguments_plugboard_shows_its_commands()
    {
        var result = await CliRunner.RunAsync(_sandbox);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("sync", result.Out, StringComparison.Ordinal);
        Assert.Contains("plugin", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_before_a_command_shows_that_command_s_help()
    {
        var result = await CliRunner.RunAsync(_sandbox, "help", "cache", "gc");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--dry-run", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_argument_is_a_usage_error_that_points_to_the_command_s_help()
    {
        var result = await CliRunner.RunAsync(_sandbox, "plugin", "install");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("plugboard plugin install --help", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_as_json_names_the_plugins_folder()
    {
        var result = await CliRunner.RunAsync(_sandbox, "version", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.Equal(_sandbox.PluginsDirectory, json.RootElement.GetProperty("pluginsDirectory").GetString());
    }
}

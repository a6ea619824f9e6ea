using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

/// <summary>The built command as its own process: exit codes and messages a script sees.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Version_prints_the_version_and_exits_0()
    {
        var result = await PlugboardProcess.RunAsync(_sandbox, "version");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("plugboard ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dash_dash_version_prints_the_version_alone_as_the_cli_guide_says()
    {
        var result = await PlugboardProcess.RunAsync(_sandbox, "--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$", result.Out.Trim());
    }

    [Fact]
    public async Task Version_says_a_build_run_with_dotnet_is_framework_dependent_and_names_its_commit()
    {
        var result = await PlugboardProcess.RunAsync(_sandbox, "version", "--json");

        Assert.Equal(0, result.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        Assert.Equal("framework-dependent", json.RootElement.GetProperty("build").GetString());
        // Built from this git clone, so the build knew its commit.
        Assert.Matches("^[0-9a-f]{40}$", json.RootElement.GetProperty("commit").GetString()!);
    }

    [Fact]
    public async Task A_failure_is_one_message_on_stderr_with_exit_code_1_and_no_stack_trace()
    {
        var result = await PlugboardProcess.RunAsync(_sandbox, "verify", _sandbox.PathOf("missing.pbpkg"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: Package '{_sandbox.PathOf("missing.pbpkg")}' does not exist.", result.Error.Trim());
        Assert.Equal(string.Empty, result.Out);
    }

    [Fact]
    public async Task With_verbose_a_failure_also_shows_the_stack_trace()
    {
        var result = await PlugboardProcess.RunAsync(_sandbox, "verify", _sandbox.PathOf("missing.pbpkg"), "--verbose");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_usage_error_exits_2_and_points_to_help()
    {
        var result = await PlugboardProcess.RunAsync(_sandbox, "keys", "generate", "--no-such-option");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--no-such-option", result.Error, StringComparison.Ordinal);
        Assert.Contains("plugboard keys generate --help", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_plugin_exit_code_becomes_the_process_exit_code()
    {
        _sandbox.WriteFile("bin/plugboard-fail", "#!/bin/sh\necho \"failing with $1\" >&2\nexit $1\n", executable: true);

        var result = await PlugboardProcess.RunAsync(_sandbox, "fail", "42");

        Assert.Equal(42, result.ExitCode);
        Assert.Contains("failing with 42", result.Error, StringComparison.Ordinal);
    }
}

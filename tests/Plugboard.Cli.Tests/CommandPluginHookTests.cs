using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

/// <summary>Install, update and uninstall hooks: run in the staged folder, and a failing one leaves the previous state.</summary>
public sealed class CommandPluginHookTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private string HookLog => File.Exists(_sandbox.PathOf("hooks.log")) ? File.ReadAllText(_sandbox.PathOf("hooks.log")) : string.Empty;

    [Fact]
    public async Task The_install_hook_runs_in_the_staged_folder_before_the_plugin_is_moved_into_place()
    {
        var result = await CliRunner.RunAsync(_sandbox, "plugin", "install", CommandPluginFolders.Tool(_sandbox, "src/v1", "1.0.0"));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("hook install says hi", result.Error, StringComparison.Ordinal);
        var line = Assert.Single(HookLog.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"install 1.0.0 in {_sandbox.PluginsDirectory}{Path.DirectorySeparatorChar}.staging-", line, StringComparison.Ordinal);
        Assert.EndsWith($"for {Path.Combine(_sandbox.PluginsDirectory, "tool")} (previous: none)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_install_hook_installs_nothing()
    {
        var result = await CliRunner.RunAsync(_sandbox, "plugin", "install", CommandPluginFolders.Tool(_sandbox, "src/v1", "1.0.0", installExit: 3));
        var run = await CliRunner.RunAsync(_sandbox, "tool");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("install hook of command plugin 'tool' ('hooks/hook install 3') failed with exit code 3", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.PluginsDirectory));
        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task A_failing_update_hook_keeps_the_installed_version()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", CommandPluginFolders.Tool(_sandbox, "src/v1", "1.0.0"));

        var update = await CliRunner.RunAsync(_sandbox, "plugin", "update", CommandPluginFolders.Tool(_sandbox, "src/v2", "2.0.0", updateExit: 1));
        var run = await CliRunner.RunAsync(_sandbox, "tool");

        Assert.Equal(1, update.ExitCode);
        Assert.Contains("update hook of command plugin 'tool'", update.Error, StringComparison.Ordinal);
        Assert.Contains("update 2.0.0 in", HookLog, StringComparison.Ordinal);
        Assert.Contains("(previous: 1.0.0)", HookLog, StringComparison.Ordinal);
        Assert.Equal("tool 1.0.0: \n", run.Out);
        Assert.Equal(["tool"], Directory.GetFileSystemEntries(_sandbox.PluginsDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_hook_that_runs_past_its_timeout_is_stopped_and_installs_nothing()
    {
        _sandbox.Variables["HOOK_SLEEP"] = "60";

        var result = await CliRunner.RunAsync(_sandbox, "plugin", "install", CommandPluginFolders.Tool(_sandbox, "src/v1", "1.0.0", hookTimeout: "1"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("did not finish within 1 s (hooks.timeoutSeconds) and was stopped", result.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.PluginsDirectory));
    }

    [Fact]
    public async Task A_failing_uninstall_hook_keeps_the_plugin()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", CommandPluginFolders.Tool(_sandbox, "src/v1", "1.0.0", uninstallExit: 4));

        var uninstall = await CliRunner.RunAsync(_sandbox, "plugin", "uninstall", "tool");
        var run = await CliRunner.RunAsync(_sandbox, "tool");

        Assert.Equal(1, uninstall.ExitCode);
        Assert.Contains("uninstall hook of command plugin 'tool'", uninstall.Error, StringComparison.Ordinal);
        Assert.Equal("tool 1.0.0: \n", run.Out);
    }
}

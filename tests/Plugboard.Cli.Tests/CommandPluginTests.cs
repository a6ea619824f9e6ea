using System.Text.Json;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

public sealed class CommandPluginTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task An_installed_plugin_is_listed_with_its_version_and_description()
    {
        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/hello"));

        var table = await CliRunner.RunAsync(_sandbox, "plugin", "list");
        var json = await CliRunner.RunAsync(_sandbox, "plugin", "list", "--json");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Contains("Installed command plugin 'hello' 1.0.0", install.Out, StringComparison.Ordinal);
        Assert.Contains("Echoes its arguments and environment.", table.Out, StringComparison.Ordinal);
        var plugin = Assert.Single(JsonDocument.Parse(json.Out).RootElement.GetProperty("plugins").EnumerateArray());
        Assert.Equal("hello", plugin.GetProperty("name").GetString());
        Assert.Equal("1.0.0", plugin.GetProperty("version").GetString());
        Assert.Equal("installed", plugin.GetProperty("origin").GetString());
        Assert.Equal(Path.Combine(_sandbox.PluginsDirectory, "hello"), plugin.GetProperty("path").GetString());
    }

    [Fact]
    public async Task Running_a_plugin_passes_the_arguments_verbatim_without_a_shell()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/hello"));

        var result = await CliRunner.RunAsync(_sandbox, "hello", "two words", "--flag=x", "$HOME", "; rm -rf /", "'quoted'", "");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("hello from hello", result.Out, StringComparison.Ordinal);
        var args = result.Out.Split('\n').Where(l => l.StartsWith("arg=", StringComparison.Ordinal)).ToList();
        Assert.Equal(["arg=[two words]", "arg=[--flag=x]", "arg=[$HOME]", "arg=[; rm -rf /]", "arg=['quoted']", "arg=[]"], args);
    }

    [Fact]
    public async Task Running_a_plugin_gives_it_the_plugboard_variables()
    {
        _sandbox.WriteFile("work/plugboard.yaml", "Plugboard:\n  Sources:\n    CacheDirectory: ../cache\n");
        await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/hello"));

        var result = await CliRunner.RunAsync(_sandbox, "hello");

        var variables = result.Out.Split('\n').Where(l => l.StartsWith("PLUGBOARD_", StringComparison.Ordinal))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(_sandbox.PathOf("work", "plugboard.yaml"), variables["PLUGBOARD_CONFIG"]);
        Assert.Equal(_sandbox.PathOf("cache"), variables["PLUGBOARD_CACHE_DIR"]);
        Assert.Equal(Path.Combine(_sandbox.PluginsDirectory, "hello"), variables["PLUGBOARD_PLUGIN_DIR"]);
        Assert.Equal(_sandbox.Home, variables["PLUGBOARD_HOME"]);
        Assert.Matches(@"^\d+\.\d+\.\d+", variables["PLUGBOARD_VERSION"]);
    }

    [Fact]
    public async Task The_plugin_exit_code_is_the_exit_code_of_plugboard()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/hello"));
        _sandbox.Variables["HELLO_EXIT"] = "7";

        var result = await CliRunner.RunAsync(_sandbox, "hello", "x");

        Assert.Equal(7, result.ExitCode);
        Assert.Equal(string.Empty, result.Error);
    }

    [Fact]
    public async Task An_executable_named_plugboard_NAME_on_PATH_is_a_command_plugin()
    {
        _sandbox.WriteFile("bin/plugboard-pathy", "#!/bin/sh\necho \"pathy $1\"\nexit 3\n", executable: true);

        var run = await CliRunner.RunAsync(_sandbox, "pathy", "one");
        var list = await CliRunner.RunAsync(_sandbox, "plugin", "list", "--json");

        Assert.Equal(3, run.ExitCode);
        Assert.Equal("pathy one\n", run.Out);
        var plugin = JsonDocument.Parse(list.Out).RootElement.GetProperty("plugins").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "pathy");
        Assert.Equal("path", plugin.GetProperty("origin").GetString());
        Assert.Equal(_sandbox.PathOf("bin", "plugboard-pathy"), plugin.GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_signed_package_installs_when_its_key_is_trusted()
    {
        await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--name", "pub");
        var package = _sandbox.PathOf("out", "hello.pbpkg");
        await CliRunner.RunAsync(_sandbox, "pack", PluginFolders.Hello(_sandbox, "src/hello"), "-o", package, "--sign", _sandbox.PathOf("keys", "pub.key"));

        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", package, "--trust", _sandbox.PathOf("keys", "pub.pem"), "--require-signature");
        var run = await CliRunner.RunAsync(_sandbox, "hello", "from-package");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("arg=[from-package]", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_signed_by_an_unknown_key_is_not_installed_when_a_signature_is_required()
    {
        await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--name", "pub");
        var package = _sandbox.PathOf("out", "hello.pbpkg");
        await CliRunner.RunAsync(_sandbox, "pack", PluginFolders.Hello(_sandbox, "src/hello"), "-o", package, "--sign", _sandbox.PathOf("keys", "pub.key"));
        Directory.CreateDirectory(_sandbox.PathOf("empty-trust"));

        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", package, "--trust", _sandbox.PathOf("empty-trust"), "--require-signature");

        Assert.Equal(1, install.ExitCode);
        Assert.Contains("failed verification; nothing was installed", install.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_sandbox.PluginsDirectory, "hello")));
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.PluginsDirectory));
    }

    [Fact]
    public async Task Installing_a_plugin_twice_points_to_update()
    {
        var folder = PluginFolders.Hello(_sandbox, "src/hello");
        await CliRunner.RunAsync(_sandbox, "plugin", "install", folder);

        var again = await CliRunner.RunAsync(_sandbox, "plugin", "install", folder);

        Assert.Equal(1, again.ExitCode);
        Assert.Contains("plugboard plugin update", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Update_replaces_the_plugin_with_a_newer_version()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/v1"));

        var update = await CliRunner.RunAsync(_sandbox, "plugin", "update", PluginFolders.Hello(_sandbox, "src/v2", version: "1.1.0", greeting: "howdy"), "--json");
        var run = await CliRunner.RunAsync(_sandbox, "hello");

        Assert.True(update.ExitCode == 0, update.ToString());
        var json = JsonDocument.Parse(update.Out).RootElement;
        Assert.Equal("1.0.0", json.GetProperty("previousVersion").GetString());
        Assert.Equal("1.1.0", json.GetProperty("version").GetString());
        Assert.Contains("howdy from hello", run.Out, StringComparison.Ordinal);
        Assert.Equal(["hello"], Directory.GetDirectories(_sandbox.PluginsDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Update_refuses_a_downgrade_unless_forced()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/v2", version: "2.0.0", greeting: "new"));
        var older = PluginFolders.Hello(_sandbox, "src/v1", version: "1.0.0", greeting: "old");

        var refused = await CliRunner.RunAsync(_sandbox, "plugin", "update", older);
        var stillNew = await CliRunner.RunAsync(_sandbox, "hello");
        var forced = await CliRunner.RunAsync(_sandbox, "plugin", "update", older, "--force");
        var nowOld = await CliRunner.RunAsync(_sandbox, "hello");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Refusing to downgrade", refused.Error, StringComparison.Ordinal);
        Assert.Contains("new from hello", stillNew.Out, StringComparison.Ordinal);
        Assert.Equal(0, forced.ExitCode);
        Assert.Contains("old from hello", nowOld.Out, StringComparison.Ordinal);
        Assert.Equal(["hello"], Directory.GetFileSystemEntries(_sandbox.PluginsDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task An_uninstalled_plugin_is_an_unknown_command_again()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/hello"));

        var uninstall = await CliRunner.RunAsync(_sandbox, "plugin", "uninstall", "hello");
        var run = await CliRunner.RunAsync(_sandbox, "hello");

        Assert.Equal(0, uninstall.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.PluginsDirectory));
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Unknown command 'hello'", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("/etc")]
    [InlineData("Hello")]
    public async Task A_name_that_could_reach_outside_the_plugins_folder_is_a_usage_error(string name)
    {
        Directory.CreateDirectory(_sandbox.PathOf("home", "outside"));

        var result = await CliRunner.RunAsync(_sandbox, "plugin", "uninstall", name);

        Assert.Equal(2, result.ExitCode);
        Assert.True(Directory.Exists(_sandbox.PathOf("home", "outside")));
    }

    [Fact]
    public async Task A_plugin_cannot_take_the_name_of_a_built_in_command()
    {
        _sandbox.WriteFile("src/sync/plugin.yaml", "id: sync\nversion: 1.0.0\nruntime: command\nentry: run\n");
        _sandbox.WriteFile("src/sync/run", "#!/bin/sh\necho hijacked\n");

        var result = await CliRunner.RunAsync(_sandbox, "plugin", "install", _sandbox.PathOf("src", "sync"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("built-in command 'plugboard sync'", result.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_sandbox.PluginsDirectory, "sync")));
    }

    [Fact]
    public async Task A_plugin_that_is_not_a_command_plugin_is_refused()
    {
        var result = await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Process(_sandbox, "src/proc"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("not a command plugin", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_command_without_a_plugin_lists_the_commands()
    {
        var result = await CliRunner.RunAsync(_sandbox, "frobnicate", "--now");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("Unknown command 'frobnicate'", result.Error, StringComparison.Ordinal);
        Assert.Contains("pack, plugin, plugins, push, serve, sources, status, sync, test, tokens, uninstall, upgrade, verify, version", result.Error, StringComparison.Ordinal);
        Assert.Contains("plugboard-frobnicate", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mistyped_command_gets_a_suggestion()
    {
        var result = await CliRunner.RunAsync(_sandbox, "snyc");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown command 'snyc'. Did you mean 'sync'?", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_plugin_in_the_plugins_folder_is_listed_with_its_problem_and_refuses_to_run()
    {
        _sandbox.WriteFile("home/plugins/hello/plugin.yaml", "id: hello\nversion: 1.0.0\nruntime: command\nentry: missing-executable\n");

        var list = await CliRunner.RunAsync(_sandbox, "plugin", "list", "--json");
        var run = await CliRunner.RunAsync(_sandbox, "hello");

        var plugin = Assert.Single(JsonDocument.Parse(list.Out).RootElement.GetProperty("plugins").EnumerateArray());
        Assert.Contains("'missing-executable' does not exist", plugin.GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot run", run.Error, StringComparison.Ordinal);
        Assert.Contains("plugboard plugin uninstall hello", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tampered_package_is_not_installed()
    {
        var package = _sandbox.PathOf("out", "hello.pbpkg");
        var pack = await CliRunner.RunAsync(_sandbox, "pack", PluginFolders.Hello(_sandbox, "src/hello"), "-o", package, "--json");
        var digest = JsonDocument.Parse(pack.Out).RootElement.GetProperty("digest").GetString()!;
        var bytes = File.ReadAllBytes(package);
        bytes[40] ^= 0xFF;
        File.WriteAllBytes(package, bytes);

        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", package, "--digest", digest);

        Assert.Equal(1, install.ExitCode);
        Assert.Contains("nothing was installed", install.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_sandbox.PluginsDirectory));
    }

    [Fact]
    public async Task Global_options_before_the_plugin_name_are_not_passed_to_the_plugin()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/hello"));

        var result = await CliRunner.RunAsync(_sandbox, "--verbose", "hello", "--verbose");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["arg=[--verbose]"], result.Out.Split('\n').Where(l => l.StartsWith("arg=", StringComparison.Ordinal)));
    }
}

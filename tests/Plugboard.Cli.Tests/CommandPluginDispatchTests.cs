using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

/// <summary>Which command plugin a command line runs: longest match, dash/underscore mapping, built-in precedence, misplaced flags.</summary>
public sealed class CommandPluginDispatchTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task The_longest_run_of_words_that_names_a_plugin_wins()
    {
        PathPlugin("plugboard-foo", "foo");
        PathPlugin("plugboard-foo-bar", "foo-bar");

        var both = await CliRunner.RunAsync(_sandbox, "foo", "bar", "--x", "1");
        var shorter = await CliRunner.RunAsync(_sandbox, "foo", "baz", "--x", "1");

        Assert.True(both.ExitCode == 0, both.ToString());
        Assert.Equal("foo-bar: [--x] [1]\n", both.Out);
        Assert.Equal("foo: [baz] [--x] [1]\n", shorter.Out);
    }

    [Fact]
    public async Task Words_after_the_first_flag_are_never_part_of_the_name()
    {
        PathPlugin("plugboard-foo", "foo");
        PathPlugin("plugboard-foo-bar", "foo-bar");

        var result = await CliRunner.RunAsync(_sandbox, "foo", "--x", "bar");

        Assert.Equal("foo: [--x] [bar]\n", result.Out);
    }

    [Fact]
    public async Task A_dash_in_a_word_matches_an_underscore_in_the_executable_name()
    {
        PathPlugin("plugboard-foo_bar", "foo_bar");
        PathPlugin("plugboard-foo-bar", "foo-bar");

        var dashed = await CliRunner.RunAsync(_sandbox, "foo-bar", "x");
        var twoWords = await CliRunner.RunAsync(_sandbox, "foo", "bar", "x");

        Assert.Equal("foo_bar: [x]\n", dashed.Out);
        Assert.Equal("foo-bar: [x]\n", twoWords.Out);
    }

    [Fact]
    public async Task An_installed_plugin_with_a_dashed_id_answers_to_its_words()
    {
        _sandbox.WriteFile("src/db/plugin.yaml", "id: db-migrate\nversion: 1.0.0\nruntime: command\nentry: run.sh\n");
        _sandbox.WriteFile("src/db/run.sh", "#!/bin/sh\necho \"db-migrate: $*\"\n", executable: true);
        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", _sandbox.PathOf("src", "db"));

        var words = await CliRunner.RunAsync(_sandbox, "db", "migrate", "up");
        var dashed = await CliRunner.RunAsync(_sandbox, "db-migrate", "up");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal("db-migrate: up\n", words.Out);
        Assert.Equal("db-migrate: up\n", dashed.Out);
    }

    [Fact]
    public async Task A_built_in_command_wins_over_a_plugin_of_the_same_name_on_PATH()
    {
        PathPlugin("plugboard-version", "hijacked");
        PathPlugin("plugboard-plugin-list", "hijacked");

        var version = await CliRunner.RunAsync(_sandbox, "version");
        var list = await CliRunner.RunAsync(_sandbox, "plugin", "list", "--json");

        Assert.Equal(0, version.ExitCode);
        Assert.DoesNotContain("hijacked", version.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("hijacked:", list.Out, StringComparison.Ordinal);
        Assert.StartsWith("{", list.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_flag_before_the_plugin_name_is_a_usage_error_that_says_so()
    {
        PathPlugin("plugboard-foo", "foo");

        var result = await CliRunner.RunAsync(_sandbox, "--x", "foo");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains("'--x' comes before the command 'foo'", result.Error, StringComparison.Ordinal);
        Assert.Contains("plugboard foo --x", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(".hidden")]
    [InlineData("../bin/plugboard-foo")]
    [InlineData("sub/foo")]
    public async Task A_word_that_could_name_a_path_never_reaches_the_file_system(string word)
    {
        PathPlugin("plugboard-foo", "foo");
        _sandbox.WriteFile("bin/plugboard-.hidden", "#!/bin/sh\necho hidden\n", executable: true);

        var result = await CliRunner.RunAsync(_sandbox, word);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(string.Empty, result.Out);
        Assert.Contains($"Unknown command '{word}'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multi_word_plugin_on_PATH_is_listed_by_its_words()
    {
        PathPlugin("plugboard-foo-bar_baz", "x");

        var list = await CliRunner.RunAsync(_sandbox, "plugin", "list", "--json");

        Assert.Contains("\"command\": \"foo bar-baz\"", list.Out, StringComparison.Ordinal);
    }

    /// <summary>An executable on the sandbox's PATH that prints its label and each argument in brackets.</summary>
    private void PathPlugin(string fileName, string label)
        => _sandbox.WriteFile(Path.Combine("bin", fileName), $"#!/bin/sh\nprintf '%s:' '{label}'\nfor a in \"$@\"; do printf ' [%s]' \"$a\"; done\necho\n", executable: true);
}

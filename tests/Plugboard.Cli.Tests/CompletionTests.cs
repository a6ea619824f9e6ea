using System.Diagnostics;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

/// <summary><c>plugboard completion SHELL</c> and what its scripts call, <c>plugboard __complete</c>; the scripts are sourced in real shells.</summary>
public sealed class CompletionTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public CompletionTests()
    {
        // The scripts call 'plugboard' from PATH, as an installed tool is.
        _sandbox.WriteFile("bin/plugboard", $"#!/bin/sh\nexec dotnet '{PlugboardProcess.Assembly}' \"$@\"\n", executable: true);
        _sandbox.WriteFile("bin/plugboard-foo-bar", "#!/bin/sh\necho foo-bar\n", executable: true);
        _sandbox.WriteFile("bin/plugboard_complete-foo-bar", "#!/bin/sh\nfor last in \"$@\"; do :; done\nfor c in --alpha --beta gamma; do case $c in \"$last\"*) echo $c;; esac; done\necho :4\n", executable: true);
    }

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData("bash", "complete -o default -F _plugboard_complete plugboard")]
    [InlineData("zsh", "compdef _plugboard plugboard")]
    [InlineData("fish", "complete -c plugboard -a '(__plugboard_complete)'")]
    public async Task Each_shell_gets_a_script_that_calls_back_plugboard(string shell, string registration)
    {
        var result = await CliRunner.RunAsync(_sandbox, "completion", shell);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains(registration, result.Out, StringComparison.Ordinal);
        Assert.Contains("plugboard __complete", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error()
    {
        var result = await CliRunner.RunAsync(_sandbox, "completion", "tcsh");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("tcsh", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_first_word_completes_to_built_in_commands_and_command_plugins()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", PluginFolders.Hello(_sandbox, "src/hello"));

        var all = Lines(await CliRunner.RunAsync(_sandbox, "__complete", ""));
        var s = Lines(await CliRunner.RunAsync(_sandbox, "__complete", "s"));

        Assert.Contains("sync", all);
        Assert.Contains("plugin", all);
        Assert.Contains("hello", all);
        Assert.Contains("foo", all);
        Assert.DoesNotContain("__complete", all);
        Assert.Equal(["serve", "sources", "status", "sync"], s);
    }

    [Fact]
    public async Task Subcommands_options_and_argument_values_of_built_in_commands_complete()
    {
        var plugin = Lines(await CliRunner.RunAsync(_sandbox, "__complete", "plugin", ""));
        var options = Lines(await CliRunner.RunAsync(_sandbox, "__complete", "plugin", "install", "--s"));
        var shells = Lines(await CliRunner.RunAsync(_sandbox, "__complete", "completion", ""));

        Assert.Equal(["install", "list", "uninstall", "update"], plugin.Where(w => !w.StartsWith('-')).Order(StringComparer.Ordinal));
        Assert.Equal(["--sha256"], options);
        Assert.Equal(["bash", "fish", "zsh"], shells.Where(w => !w.StartsWith('-')).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_multi_word_plugin_completes_word_by_word_then_with_its_own_completer()
    {
        var second = Lines(await CliRunner.RunAsync(_sandbox, "__complete", "foo", ""));
        var own = Lines(await CliRunner.RunAsync(_sandbox, "__complete", "foo", "bar", "x", "--"));

        Assert.Equal(["bar"], second);
        Assert.Equal(["--alpha", "--beta"], own);
    }

    [Fact]
    public async Task An_installed_plugin_completes_with_the_completer_in_its_folder()
    {
        await CliRunner.RunAsync(_sandbox, "plugin", "install", Path.Combine(PluginArchives.Folder("CommandPluginSamplesDirectory"), "greet-sh"));

        var result = Lines(await CliRunner.RunAsync(_sandbox, "__complete", "greet-sh", "a"));

        Assert.Equal(["alice"], result);
    }

    [Theory]
    [InlineData("bash", "source <(plugboard completion bash)\nCOMP_WORDS=(plugboard plugin in); COMP_CWORD=2; _plugboard_complete; printf '%s\\n' \"${COMPREPLY[@]}\"\nCOMP_WORDS=(plugboard foo bar --a); COMP_CWORD=3; _plugboard_complete; printf '%s\\n' \"${COMPREPLY[@]}\"\n")]
    [InlineData("zsh", "compadd() { local i=${@[(i)--]}; print -rl -- \"${@[i+1,-1]}\" }\ncompdef() { : }\nsource <(plugboard completion zsh)\nwords=(plugboard plugin in); CURRENT=3; _plugboard\nwords=(plugboard foo bar --a); CURRENT=4; _plugboard\n")]
    [InlineData("fish", "plugboard completion fish | source\ncomplete -C 'plugboard plugin in'\ncomplete -C 'plugboard foo bar --a'\n")]
    public async Task The_script_sourced_in_the_shell_completes_commands_and_plugin_arguments(string shell, string script)
    {
        var output = await RunShellAsync(shell, script);

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')[0].Trim()).ToList();
        Assert.Contains("install", lines);
        Assert.Contains("--alpha", lines);
        Assert.DoesNotContain("--beta", lines);
    }

    private static List<string> Lines(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return [.. result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }

    private async Task<string> RunShellAsync(string shell, string script)
    {
        var file = _sandbox.WriteFile("completion-test." + shell, script);
        var start = new ProcessStartInfo(shell)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _sandbox.WorkingDirectory,
        };
        start.ArgumentList.Add(file);
        start.Environment.Clear();
        foreach (var (name, value) in _sandbox.Variables)
        {
            start.Environment[name] = value;
        }

        start.Environment["HOME"] = _sandbox.Root;
        start.Environment["XDG_CONFIG_HOME"] = _sandbox.PathOf("config");
        start.Environment["XDG_DATA_HOME"] = _sandbox.PathOf("data");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"{shell} exited with {process.ExitCode}: {await error}\n{await output}");
        return await output;
    }
}

using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

/// <summary>The C# command plugin sample (samples/command-plugins/greet-cs), built with the tests and run through plugboard as its own process.</summary>
public sealed class CSharpCommandPluginTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Arguments_stdin_environment_and_exit_code_pass_through_plugboard()
    {
        var install = await PlugboardProcess.RunAsync(_sandbox, "plugin", "install", PluginArchives.Folder("GreetDirectory"));

        var run = await PlugboardProcess.RunWithInputAsync(_sandbox, "ann\nbob\n", "greet", "--shout", "--stdin", "--exit", "5", "two words");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal(5, run.ExitCode);
        Assert.Equal("HELLO, ANN! (FROM PLUGBOARD GREET)\nHELLO, BOB! (FROM PLUGBOARD GREET)\nHELLO, TWO WORDS! (FROM PLUGBOARD GREET)\n", run.Out);
    }

    [Fact]
    public async Task The_shell_sample_answers_to_its_id_and_to_its_words()
    {
        var install = await CliRunner.RunAsync(_sandbox, "plugin", "install", Path.Combine(PluginArchives.Folder("CommandPluginSamplesDirectory"), "greet-sh"));

        var dashed = await CliRunner.RunAsync(_sandbox, "greet-sh", "ann");
        var words = await CliRunner.RunAsync(_sandbox, "greet", "sh", "--shout", "bob");

        Assert.True(install.ExitCode == 0, install.ToString());
        Assert.Equal("Hello, ann! (from plugboard greet-sh)\n", dashed.Out);
        Assert.Equal("HELLO, BOB! (FROM PLUGBOARD GREET-SH)\n", words.Out);
    }
}

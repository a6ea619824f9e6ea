using System.CommandLine;
using Plugboard.Cli.Console;

namespace Plugboard.Cli.Completion;

/// <summary><c>plugboard completion bash|zsh|fish</c>: prints the shell's completion script.</summary>
internal static class CompletionCommand
{
    public static Command Create(CliContext context)
    {
        var shell = new Argument<string>("SHELL") { Description = "The shell: bash, zsh or fish." };
        shell.AcceptOnlyFromAmong([.. CompletionScripts.Shells]);
        var command = new Command("completion", "Print the completion script of a shell: built-in commands and options, command plugins, and the completions plugins provide (plugboard_complete-NAME). bash: source <(plugboard completion bash); zsh: source <(plugboard completion zsh); fish: plugboard completion fish | source.") { shell };
        context.SetAction(command, (parse, _) =>
        {
            context.Console.Out.Write(CompletionScripts.For(parse.GetRequiredValue(shell)));
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

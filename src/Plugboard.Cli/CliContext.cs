using System.CommandLine;
using Plugboard.Cli.Console;

namespace Plugboard.Cli;

/// <summary>What every command's action gets: the console, the environment and the options shared by all commands.</summary>
internal sealed class CliContext(CliConsole console, CliEnvironment environment)
{
    public CliConsole Console { get; } = console;

    public CliEnvironment Environment { get; } = environment;

    /// <summary><c>--verbose</c>: on every command; shows stack traces and debug logs.</summary>
    public Option<bool> Verbose { get; } = new("--verbose")
    {
        Description = "Show debug logs, and stack traces on errors.",
        Recursive = true,
    };

    /// <summary>A fresh <c>--json</c> option for a command that prints results.</summary>
    public static Option<bool> JsonOption() => new("--json") { Description = "Print the result as JSON on stdout." };

    /// <summary>A fresh <c>--config</c> option for a command that reads sources or the cache.</summary>
    public static Option<string?> ConfigOption() => new("--config", "-c")
    {
        Description = "The configuration file (JSON or YAML, section Plugboard:Sources). Default: $PLUGBOARD_CONFIG, or plugboard.json / plugboard.yaml in the current folder.",
        HelpName = "FILE",
    };

    /// <summary>
    /// Sets <paramref name="command"/>'s action: runs <paramref name="action"/> and turns every failure into one
    /// readable message on stderr and an exit code (a stack trace only with <c>--verbose</c>).
    /// </summary>
    public void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> action)
        => command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await action(parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine("Cancelled.");
                return 130;
            }
            catch (Exception ex)
            {
                return ErrorReport.Write(Console, ex, parseResult.GetValue(Verbose));
            }
        });
}

using Plugboard.Cli.Console;

namespace Plugboard.Cli.Tests.Infrastructure;

/// <summary>What one run of the CLI did.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs the real command tree in-process, with the sandbox's environment and captured output (not a terminal).</summary>
public static class CliRunner
{
    public static Task<CliResult> RunAsync(Sandbox sandbox, params string[] args) => RunAsync(sandbox, new Dictionary<string, string?>(), args);

    /// <summary>Runs with <paramref name="extra"/> added to the sandbox's environment (a value of null removes a variable).</summary>
    public static async Task<CliResult> RunAsync(Sandbox sandbox, IReadOnlyDictionary<string, string?> extra, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = new CliConsole(output, error, isTerminal: false, inheritsStandardStreams: false);
        var variables = new Dictionary<string, string>(sandbox.Variables);
        foreach (var (name, value) in extra)
        {
            if (value is null)
            {
                variables.Remove(name);
            }
            else
            {
                variables[name] = value;
            }
        }

        var environment = new CliEnvironment(variables, sandbox.WorkingDirectory);
        var exitCode = await PlugboardCli.RunAsync(args, console, environment);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}

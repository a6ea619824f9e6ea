using Plugboard.Cli;
using Plugboard.Cli.Console;

return await PlugboardCli.RunAsync(args, CliConsole.FromProcess(), CliEnvironment.FromProcess());

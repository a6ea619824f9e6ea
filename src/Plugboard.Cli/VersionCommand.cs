using System.CommandLine;
using System.Runtime.InteropServices;
using Plugboard.Cli.Console;

namespace Plugboard.Cli;

/// <summary><c>plugboard version</c>: this command's version and where it looks for things.</summary>
internal static class VersionCommand
{
    public static Command Create(CliContext context)
    {
        var json = CliContext.JsonOption();
        var command = new Command("version", "Print the plugboard version, the .NET runtime and the plugins folder.") { json };
        context.SetAction(command, (parse, _) =>
        {
            var info = new
            {
                version = PlugboardVersion.Current,
                runtime = RuntimeInformation.FrameworkDescription,
                platform = RuntimeInformation.RuntimeIdentifier,
                home = context.Environment.PlugboardHome,
                pluginsDirectory = context.Environment.PluginsDirectory,
            };
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, info);
            }
            else
            {
                context.Console.Out.WriteLine($"plugboard {info.version}");
                context.Console.Out.WriteLine($"  runtime:  {info.runtime} ({info.platform})");
                context.Console.Out.WriteLine($"  plugins:  {info.pluginsDirectory}");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

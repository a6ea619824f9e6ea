using System.CommandLine;
using System.Runtime.InteropServices;
using Plugboard.Cli.Console;

namespace Plugboard.Cli;

/// <summary><c>plugboard version</c>: this command's version, build kind and commit, and where it looks for things.</summary>
internal static class VersionCommand
{
    public static Command Create(CliContext context)
    {
        var json = CliContext.JsonOption();
        var command = new Command("version", "Print the plugboard version, how it was built (tool, single-file or framework-dependent) and from which commit, the .NET runtime and the plugins folder.") { json };
        context.SetAction(command, (parse, _) =>
        {
            var info = new
            {
                version = PlugboardVersion.Current,
                build = PlugboardVersion.Build,
                commit = PlugboardVersion.Commit,
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
                context.Console.Out.WriteLine($"plugboard {info.version} ({info.build})");
                context.Console.Out.WriteLine($"  commit:   {info.commit ?? "unknown (built outside a git clone)"}");
                context.Console.Out.WriteLine($"  runtime:  {info.runtime} ({info.platform})");
                context.Console.Out.WriteLine($"  plugins:  {info.pluginsDirectory}");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

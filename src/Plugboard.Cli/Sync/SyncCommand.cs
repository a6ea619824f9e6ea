using System.CommandLine;
using Plugboard.Cli.Configuration;
using Plugboard.Cli.Console;
using Plugboard.Sources.Sync;

namespace Plugboard.Cli.Sync;

/// <summary><c>plugboard sync [--config FILE] [--source NAME]</c>: fetch what changed in the sources into the cache.</summary>
internal static class SyncCommand
{
    public static Command Create(CliContext context)
    {
        var config = CliContext.ConfigOption();
        var source = new Option<string[]>("--source", "-s") { Description = "Sync only this source (repeatable). Default: every configured source.", HelpName = "NAME" };
        var json = CliContext.JsonOption();
        var command = new Command("sync", "Sync the configured sources into the cache: fetch what changed, verify digests, signatures, manifests and the lock, commit atomically per source.")
        {
            config, source, json,
        };
        context.SetAction(command, (parse, cancellationToken) =>
        {
            var configuration = PlugboardConfiguration.Load(parse.GetValue(config), context.Environment);
            var names = parse.GetValue(source) is { Length: > 0 } chosen ? chosen : null;
            return SyncReport.RunAsync(context, configuration, new SyncOptions { Sources = names }, parse.GetValue(json), parse.GetValue(context.Verbose), cancellationToken);
        });
        return command;
    }
}

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
        var allowDowngrade = new Option<bool>("--allow-downgrade") { Description = "Accept a source offering a lower version of a plugin than the cache has from it (refused as a rollback otherwise, unless the set pins the version)." };
        var json = CliContext.JsonOption();
        var command = new Command("sync", "Sync the configured sources into the cache: fetch what changed, verify digests, signatures, manifests and the lock, commit atomically per source.")
        {
            config, source, allowDowngrade, json,
        };
        context.SetAction(command, (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.Load(parse.GetValue(config), context.Environment);
            var names = parse.GetValue(source) is { Length: > 0 } chosen ? chosen : null;
            return SyncReport.RunAsync(context, configuration, new SyncOptions { Sources = names, AllowDowngrade = parse.GetValue(allowDowngrade) }, parse.GetValue(json), parse.GetValue(context.Verbose), cancellationToken);
        });
        return command;
    }
}

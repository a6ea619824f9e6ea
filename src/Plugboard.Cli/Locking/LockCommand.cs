using System.CommandLine;
using Plugboard.Cli.Configuration;
using Plugboard.Cli.Console;
using Plugboard.Cli.Sync;
using Plugboard.Sources.Locking;
using Plugboard.Sources.Sync;
using Spectre.Console;

namespace Plugboard.Cli.Locking;

/// <summary><c>plugboard lock list|relock</c>: the digests <c>plugboard.lock</c> pins, and re-pinning one on purpose.</summary>
internal static class LockCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("lock", "Show plugboard.lock, or re-lock a plugin whose package changed on purpose.");
        command.Add(List(context));
        command.Add(Relock(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var config = CliContext.ConfigOption();
        var json = CliContext.JsonOption();
        var command = new Command("list", "List the locked plugin versions and their digests.") { config, json };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.LoadForCache(parse.GetValue(config), context.Environment);
            var lockFile = await PluginLockFile.LoadAsync(configuration.Sources.ResolvedLockFile, cancellationToken);
            var entries = lockFile.Entries.ToList();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new
                {
                    lockFile = lockFile.Path,
                    plugins = entries.Select(e => new { id = e.Id, version = e.Version, digest = e.Digest.Value }),
                });
                return ExitCodes.Success;
            }

            if (entries.Count == 0)
            {
                context.Console.Out.WriteLine($"The lock '{lockFile.Path}' is empty; the next sync records what it finds.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("plugin", "version", "digest");
            foreach (var (id, version, digest) in entries)
            {
                table.AddRow(CliConsole.Cell(id), CliConsole.Cell(version), CliConsole.Cell(digest.Value));
            }

            context.Console.Ansi.Write(table);
            context.Console.Out.WriteLine($"{entries.Count} locked version(s) in {lockFile.Path}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Relock(CliContext context)
    {
        var id = new Argument<string>("ID") { Description = "The plugin id." };
        var version = new Argument<string?>("VERSION") { Description = "The version to re-lock. Default: every locked version of the plugin.", Arity = ArgumentArity.ZeroOrOne };
        var config = CliContext.ConfigOption();
        var source = new Option<string[]>("--source", "-s") { Description = "Sync only this source (repeatable). Default: every configured source.", HelpName = "NAME" };
        var json = CliContext.JsonOption();
        var command = new Command(
            "relock",
            "Drop a plugin's lock entry and sync, so a package whose bytes changed under the same version is accepted and locked anew. Use it only when you know why the package changed.")
        {
            id, version, config, source, json,
        };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.LoadForCache(parse.GetValue(config), context.Environment);
            var pluginId = parse.GetRequiredValue(id);
            var pluginVersion = parse.GetValue(version);
            var lockFile = await PluginLockFile.LoadAsync(configuration.Sources.ResolvedLockFile, cancellationToken);
            var locked = lockFile.Entries.Where(e => e.Id == pluginId && (pluginVersion is null || e.Version == pluginVersion)).ToList();
            if (locked.Count == 0)
            {
                var what = pluginVersion is null ? pluginId : $"{pluginId} {pluginVersion}";
                throw new CliException($"{what} is not in the lock '{lockFile.Path}', so there is nothing to re-lock. 'plugboard lock list' shows what is locked; a plain 'plugboard sync' locks new versions.");
            }

            if (!parse.GetValue(json))
            {
                foreach (var entry in locked)
                {
                    context.Console.Out.WriteLine($"Re-locking {entry.Id} {entry.Version} (was {entry.Digest})");
                }
            }

            var names = parse.GetValue(source) is { Length: > 0 } chosen ? chosen : null;
            var relock = pluginVersion is null ? pluginId : $"{pluginId}@{pluginVersion}";
            return await SyncReport.RunAsync(context, configuration, new SyncOptions { Sources = names, Relock = [relock] }, parse.GetValue(json), parse.GetValue(context.Verbose), cancellationToken);
        });
        return command;
    }
}

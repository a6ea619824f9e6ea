using System.CommandLine;
using System.Globalization;
using Plugboard.Cli.Console;
using Plugboard.Sources.Configuration;
using static Plugboard.Server.Api.SourcesApi;

namespace Plugboard.Cli.Center;

/// <summary><c>plugboard sources list|add|remove|sync</c>: the sources the plugin center syncs into its catalog.</summary>
internal static class SourcesCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("sources", "The plugin sources a plugin center syncs (fs, git, http): list, add, remove, sync now.");
        command.Add(List(context));
        command.Add(Add(context));
        command.Add(Remove(context));
        command.Add(Sync(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var command = new Command("list", "List the center's sources with their last sync.");
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var sources = await client.GetAsync<List<SourceDto>>("api/v1/sources", cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, sources.Json);
                return ExitCodes.Success;
            }

            if (sources.Value.Count == 0)
            {
                context.Console.Out.WriteLine("The center has no sources. 'plugboard sources add NAME --type fs --path DIR' adds one.");
                return ExitCodes.Success;
            }

            var runs = await client.GetAsync<List<SyncRunDto>>("api/v1/sync-runs?limit=500", cancellationToken);
            var lastRun = runs.Value.GroupBy(r => r.Source).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!, StringComparer.Ordinal);
            CenterOutput.Table(context, ["source", "type", "location", "sync every", "last sync", "result", "error"], sources.Value.Select(s =>
            {
                var run = lastRun.GetValueOrDefault(s.Name);
                return (IReadOnlyList<string?>)
                [
                    s.Name, s.Type, (s.Url ?? s.Path) + (s.Ref is null ? string.Empty : $" @ {s.Ref}"),
                    s.SyncIntervalSeconds > 0 ? TimeSpan.FromSeconds(s.SyncIntervalSeconds).ToString() : "on demand",
                    CenterOutput.Time(s.LastSyncAt),
                    run is null ? "-" : $"{run.Status}: +{run.Added} ~{run.Updated} ={run.Unchanged}",
                    run?.Error ?? string.Empty,
                ];
            }));
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Add(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "The source's name, e.g. company." };
        var type = new Option<string>("--type", "-t") { Description = "fs, git or http.", HelpName = "TYPE", Required = true };
        var url = new Option<string?>("--source-url") { Description = "The git repository or http feed URL.", HelpName = "URL" };
        var path = new Option<string?>("--path") { Description = "The folder of an fs source (on the center's machine), or the path inside a git repository.", HelpName = "DIR" };
        var gitRef = new Option<string?>("--ref") { Description = "The git branch, tag or commit.", HelpName = "REF" };
        var insecure = new Option<bool>("--allow-insecure-source") { Description = "Allow plain http:// (and local paths) for this source." };
        var signature = new Option<bool>("--require-signature") { Description = "Refuse packages without a valid signature by a trusted key." };
        var interval = new Option<int>("--sync-interval") { Description = "Sync on a schedule, every N seconds (0: only on demand).", HelpName = "SECONDS" };
        var sync = new Option<bool>("--sync") { Description = "Sync it right away and print the run." };
        var command = new Command("add", "Add a source to the center (checked by the center as a host checks its sources).")
        {
            name, type, url, path, gitRef, insecure, signature, interval, sync,
        };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var sourceName = parse.GetRequiredValue(name);
            var body = new SourceRequest(
                sourceName, parse.GetRequiredValue(type), parse.GetValue(url), parse.GetValue(path), parse.GetValue(gitRef),
                parse.GetValue(insecure), parse.GetValue(signature), new List<PluginSetOptions>(), parse.GetValue(interval));
            var reply = await client.PostAsync<SourceDto>("api/v1/sources", body, cancellationToken);
            var json = parse.GetValue(center.Json);
            if (!parse.GetValue(sync))
            {
                if (json)
                {
                    CenterOutput.Json(context, reply.Json);
                }
                else
                {
                    context.Console.Out.WriteLine($"Added source '{reply.Value.Name}' ({reply.Value.Type} {reply.Value.Url ?? reply.Value.Path}). 'plugboard sources sync {reply.Value.Name}' syncs it.");
                }

                return ExitCodes.Success;
            }

            if (!json)
            {
                context.Console.Out.WriteLine($"Added source '{reply.Value.Name}' ({reply.Value.Type} {reply.Value.Url ?? reply.Value.Path}); syncing it.");
            }

            return await SyncAsync(context, client, sourceName, json, cancellationToken);
        });
        return command;
    }

    private static Command Remove(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "The source to remove." };
        var command = new Command("remove", "Remove a source from the center; the plugin versions it brought stay in the catalog.") { name };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var sourceName = parse.GetRequiredValue(name);
            var path = $"api/v1/sources/{CenterClient.Escape(sourceName)}";
            var current = await client.GetAsync<SourceDto>(path, cancellationToken);
            await client.DeleteAsync<SourceDto?>(path, current.ETag, cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, current.Json);
            }
            else
            {
                context.Console.Out.WriteLine($"Removed source '{sourceName}'; the plugin versions it brought stay in the catalog.");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Sync(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var name = new Argument<string>("NAME") { Description = "The source to sync." };
        var command = new Command("sync", "Sync a source now: waits for the run and prints its outcome per package. Exit 1 when the run failed.") { name };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            return await SyncAsync(context, client, parse.GetRequiredValue(name), parse.GetValue(center.Json), cancellationToken);
        });
        return command;
    }

    // The center answers the sync request when the run has finished.
    private static async Task<int> SyncAsync(CliContext context, CenterClient client, string name, bool json, CancellationToken cancellationToken)
    {
        var reply = await client.PostAsync<SyncRunDto>($"api/v1/sources/{CenterClient.Escape(name)}/sync", null, cancellationToken);
        var run = reply.Value;
        var failed = !string.Equals(run.Status, "Ok", StringComparison.OrdinalIgnoreCase);
        if (json)
        {
            CenterOutput.Json(context, reply.Json);
            return failed ? ExitCodes.Failure : ExitCodes.Success;
        }

        var duration = run.FinishedAt is { } end ? $" in {(end - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)}s" : string.Empty;
        context.Console.Out.WriteLine($"Sync run {run.Id} of '{run.Source}': {run.Status}{duration}; {run.Added} added, {run.Updated} updated, {run.Unchanged} unchanged, {run.Removed} removed{(run.Revision is null ? string.Empty : $" (revision {run.Revision})")}");
        if (run.Packages is { Count: > 0 } packages)
        {
            CenterOutput.Table(context, ["plugin", "version", "outcome", "digest", "error"], packages.Select(p => (IReadOnlyList<string?>)
            [
                p.PluginId, p.Version, p.Outcome, CenterOutput.ShortDigest(p.Digest), p.Error ?? string.Empty,
            ]));
        }

        if (failed)
        {
            context.Console.Error.WriteLine($"error: Source '{run.Source}' failed to sync: {run.Error ?? "see the packages above"}");
        }

        return failed ? ExitCodes.Failure : ExitCodes.Success;
    }
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Plugboard.Cli.Console;
using static Plugboard.Server.Api.EventsApi;
using static Plugboard.Server.Api.InstallationsApi;

namespace Plugboard.Cli.Center;

/// <summary><c>plugboard status [INSTALLATION]</c>: every installation in a table, or one in full with its last events.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var installation = new Argument<string?>("INSTALLATION") { Description = "One installation to show in full; without it, all of them in a table.", Arity = ArgumentArity.ZeroOrOne };
        var events = new Option<int>("--events") { Description = "How many of its last events to show.", DefaultValueFactory = _ => 10, HelpName = "N" };
        var command = new Command("status", "Show installations: phase, version, reason; for one, also its configuration (secrets only as set / not set), Init metadata, Verify result and last events.")
        {
            installation, events,
        };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var json = parse.GetValue(center.Json);
            if (parse.GetValue(installation) is not { } id)
            {
                var all = await client.GetAsync<List<InstallationDto>>("api/v1/installations", cancellationToken);
                if (json)
                {
                    CenterOutput.Json(context, all.Json);
                }
                else if (all.Value.Count == 0)
                {
                    context.Console.Out.WriteLine("Nothing is installed. 'plugboard plugins list' shows what can be; 'plugboard install PLUGIN' installs one.");
                }
                else
                {
                    CenterOutput.Table(context, ["installation", "plugin", "version", "mode", "scope", "phase", "reason"], all.Value.Select(i => (IReadOnlyList<string?>)
                    [
                        i.Id, i.Plugin, i.Version ?? i.PinnedVersion ?? "-", i.UpgradeMode, i.Scope, i.Phase, i.Reason ?? string.Empty,
                    ]));
                }

                return ExitCodes.Success;
            }

            var reply = await client.GetAsync<InstallationDto>(ChangeCommands.PathOf(id), cancellationToken);
            var history = await client.GetAsync<List<EventDto>>($"api/v1/events?installation={CenterClient.Escape(id)}&limit=5000", cancellationToken);
            var last = history.Value.TakeLast(Math.Max(parse.GetValue(events), 0)).ToList();
            if (json)
            {
                CenterOutput.Json(context, new JsonObject { ["installation"] = reply.Json?.DeepClone(), ["events"] = new JsonArray([.. (history.Json as JsonArray ?? []).TakeLast(last.Count).Select(e => e?.DeepClone())]) });
                return ExitCodes.Success;
            }

            Write(context, reply.Value, last);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(CliContext context, InstallationDto i, IReadOnlyList<EventDto> events)
    {
        var output = context.Console.Out;
        output.WriteLine($"{i.Id}: {i.Plugin} {i.Version ?? "(not running)"} in scope '{i.Scope}'");
        output.WriteLine($"  phase:       {i.Phase}{(i.ObservedGeneration < i.Generation ? $" (generation {i.Generation} not realized yet; at {i.ObservedGeneration})" : string.Empty)}");
        output.WriteLine($"  reason:      {i.Reason ?? "-"}");
        output.WriteLine($"  upgrade:     {(i.UpgradeMode == "auto" ? "auto (follows the highest version the upgrade rules allow)" : $"manual (stays on {i.PinnedVersion})")}");
        if (i.Attempts > 0)
        {
            output.WriteLine($"  attempts:    {i.Attempts.ToString(CultureInfo.InvariantCulture)} failed in a row; next at {CenterOutput.Time(i.NextAttemptAt)}");
        }

        output.WriteLine($"  metadata:    {(i.Metadata is null ? "- (Init has not run)" : CenterOutput.Compact(i.Metadata))}");
        output.WriteLine($"  verify:      {(i.Verify is null ? "- (not run)" : i.Verify.Ready ? "ready" : $"not ready: {i.Verify.Reason}")}");
        output.WriteLine("  config:");
        var secretNames = i.Secrets.Keys.Select(p => p[2..]).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in i.Config.Where(p => !secretNames.Contains(p.Key)))
        {
            output.WriteLine($"    {key} = {CenterOutput.Compact(value)}");
        }

        foreach (var (path, set) in i.Secrets)
        {
            output.WriteLine($"    {path[2..]} = {(set ? "(set)" : "(not set)")} (secret)");
        }

        output.WriteLine($"  created:     {CenterOutput.Time(i.CreatedAt)} by {i.CreatedBy}; updated {CenterOutput.Time(i.UpdatedAt)}");
        if (events.Count > 0)
        {
            output.WriteLine($"Last {events.Count} event(s):");
            CenterOutput.Table(context, ["time", "kind", "actor", "phase", "reason"], events.Select(e => (IReadOnlyList<string?>)
            [
                CenterOutput.Time(e.Time), e.Kind, e.Actor, e.Phase ?? "-", e.Reason ?? string.Empty,
            ]));
        }
    }
}

using System.CommandLine;
using Plugboard.Cli.Console;
using Plugboard.Server.Hosts;

namespace Plugboard.Cli.Center;

/// <summary><c>plugboard hosts list</c>: the managed hosts, their scope, when each was last heard from and what each runs.</summary>
internal static class HostsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("hosts", "The managed hosts (AddPlugboard().UseCenter(…)) that run the installations of their scope.");
        command.Add(List(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var scope = new Option<string?>("--scope") { Description = "Only the hosts of this scope.", HelpName = "SCOPE" };
        var command = new Command("list", "List the managed hosts: scope, last contact, whether stale (silent longer than Plugboard:Hosts:StaleAfter), and each installation it runs.")
        {
            scope,
        };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var path = parse.GetValue(scope) is { } only ? $"api/v1/hosts?scope={CenterClient.Escape(only)}" : "api/v1/hosts";
            var reply = await client.GetAsync<List<HostDto>>(path, cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, reply.Json);
            }
            else if (reply.Value.Count == 0)
            {
                context.Console.Out.WriteLine("No managed host has registered. A host runs a scope with AddPlugboard().UseCenter(url, token, scope) and a token from 'plugboard tokens create NAME --role host --scope SCOPE'.");
            }
            else
            {
                CenterOutput.Table(context, ["name", "scope", "last contact", "stale", "runs"], reply.Value.Select(h => (IReadOnlyList<string?>)
                [
                    h.Name, h.Scope, CenterOutput.Time(h.LastContactAt), h.Stale ? "stale" : "no", Runs(h),
                ]));
            }

            return ExitCodes.Success;
        });
        return command;
    }

    // One line per installation: "custom-ldif 1.1.0 Active (inst_…)", with the reason when it is not Active.
    private static string Runs(HostDto host) => host.Running.Count == 0
        ? "-"
        : string.Join("; ", host.Running.Select(r =>
            $"{r.Plugin ?? "?"} {r.Version ?? "-"} {r.Phase} ({r.Installation}){(r.Phase == "Active" || r.Reason is null ? string.Empty : ": " + r.Reason)}"));
}

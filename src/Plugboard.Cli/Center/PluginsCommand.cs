using System.CommandLine;
using System.Globalization;
using Plugboard.Cli.Console;
using Plugboard.Server.Api;

namespace Plugboard.Cli.Center;

/// <summary><c>plugboard plugins list|show</c>: the center's catalog.</summary>
internal static class PluginsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("plugins", "The plugin center's catalog: every plugin and version it can install.");
        command.Add(List(context));
        command.Add(Show(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var text = new Option<string?>("--text", "-q") { Description = "Only plugins whose id, names, descriptions, provider or tags contain this text.", HelpName = "TEXT" };
        var tag = new Option<string?>("--tag") { Description = "Only plugins with this tag.", HelpName = "TAG" };
        var contract = new Option<string?>("--contract") { Description = "Only plugins implementing this contract, e.g. usersync.datasource.", HelpName = "NAME" };
        var runtime = new Option<string?>("--runtime") { Description = "Only plugins of this runtime: assembly, process, endpoint or command.", HelpName = "RUNTIME" };
        var page = new Option<int>("--page") { Description = "The page to show.", DefaultValueFactory = _ => 1, HelpName = "N" };
        var pageSize = new Option<int>("--page-size") { Description = "Plugins per page (at most 500).", DefaultValueFactory = _ => 50, HelpName = "N" };
        var command = new Command("list", "List the plugins in the catalog (their newest version), filtered and paged.") { text, tag, contract, runtime, page, pageSize };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var query = new List<string>
            {
                "page=" + parse.GetValue(page).ToString(CultureInfo.InvariantCulture),
                "pageSize=" + parse.GetValue(pageSize).ToString(CultureInfo.InvariantCulture),
            };
            foreach (var (name, option) in new[] { ("q", text), ("tag", tag), ("contract", contract), ("runtime", runtime) })
            {
                if (parse.GetValue(option) is { Length: > 0 } value)
                {
                    query.Add($"{name}={CenterClient.Escape(value)}");
                }
            }

            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var reply = await client.GetAsync<PageOf<PluginSummary>>("api/v1/plugins?" + string.Join('&', query), cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, reply.Json);
                return ExitCodes.Success;
            }

            var result = reply.Value;
            if (result.Total == 0)
            {
                context.Console.Out.WriteLine("No plugin in the catalog matches. 'plugboard push PKG' uploads one; 'plugboard sources add' and 'plugboard sources sync' bring a source's.");
                return ExitCodes.Success;
            }

            CenterOutput.Table(context, ["plugin", "latest", "runtime", "versions", "contracts", "tags", "provider", "name"], result.Items.Select(p => (IReadOnlyList<string?>)
            [
                p.Id, p.LatestVersion, p.Runtime, p.VersionCount.ToString(CultureInfo.InvariantCulture), string.Join(", ", p.Contracts),
                string.Join(", ", p.Tags), p.Provider ?? "-", CenterOutput.InLanguage(p.DisplayName) ?? "-",
            ]));
            var pages = (result.Total + result.PageSize - 1) / result.PageSize;
            context.Console.Out.WriteLine($"{result.Total} plugin(s); page {result.Page} of {pages}.{(result.Page < pages ? $" --page {result.Page + 1} shows the next." : string.Empty)}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Show(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var id = new Argument<string>("ID") { Description = "The plugin id, e.g. custom-http." };
        var command = new Command("show", "Show a plugin with every version: digest, signer, origin, upgrade rules, dependencies, configuration fields.") { id };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var reply = await client.GetAsync<PluginDetail>($"api/v1/plugins/{CenterClient.Escape(parse.GetRequiredValue(id))}", cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, reply.Json);
                return ExitCodes.Success;
            }

            var plugin = reply.Value;
            var output = context.Console.Out;
            var newest = plugin.Versions.Count > 0 ? plugin.Versions[0] : null;
            output.WriteLine($"{plugin.Id} ({plugin.Kind}){(newest is null ? string.Empty : ": " + (CenterOutput.InLanguage(newest.DisplayName) ?? newest.Version))}");
            if (CenterOutput.InLanguage(newest?.Description) is { } description)
            {
                output.WriteLine($"  {description}");
            }

            if (newest?.Provider is { } provider)
            {
                output.WriteLine($"  provider:  {provider}");
            }

            if (plugin.ServiceType is not null)
            {
                output.WriteLine($"  service:   {plugin.ServiceType} at {plugin.Endpoint ?? plugin.Image}");
            }

            if (newest?.ConfigSchema?["properties"] is System.Text.Json.Nodes.JsonObject properties)
            {
                var fields = properties.Select(p => p.Value?["writeOnly"]?.GetValue<bool>() == true ? $"{p.Key} (secret)" : p.Key);
                output.WriteLine($"  config:    {string.Join(", ", fields)} (set with: plugboard install {plugin.Id} --set KEY=VALUE)");
            }

            CenterOutput.Table(context, ["version", "runtime", "origin", "digest", "signed by", "upgrades from", "depends on", "added"], plugin.Versions.Select(v => (IReadOnlyList<string?>)
            [
                v.Version, v.Runtime, v.Origin, CenterOutput.ShortDigest(v.Digest), v.SignatureKeyId ?? "-", v.SupportedUpgradeFrom ?? "any lower",
                v.Dependencies.Count == 0 ? "-" : string.Join(", ", v.Dependencies.Select(d => $"{d.Id} {d.Versions}")), CenterOutput.Time(v.CreatedAt),
            ]));
            return ExitCodes.Success;
        });
        return command;
    }
}

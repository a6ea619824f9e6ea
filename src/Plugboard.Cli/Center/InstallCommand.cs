using System.CommandLine;
using System.Net;
using System.Text.Json.Nodes;
using NuGet.Versioning;
using Plugboard.Cli.Console;
using Plugboard.Server.Api;
using static Plugboard.Server.Api.InstallationsApi;

namespace Plugboard.Cli.Center;

/// <summary><c>plugboard install PLUGIN</c>: asks the center to install a plugin (a version, or <c>--auto</c>) with a configuration.</summary>
internal static class InstallCommand
{
    public static Option<string[]> SetOption() => new("--set")
    {
        Description = "A configuration field: KEY=VALUE, or a.b=VALUE for a nested field (repeatable). Typed by the plugin's config schema; never echoed.",
        HelpName = "KEY=VALUE",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string?> ConfigFileOption() => new("--config-file", "-f")
    {
        Description = "A JSON or YAML file with the configuration; --set values are applied on top.",
        HelpName = "FILE",
    };

    public static Command Create(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var plugin = new Argument<string>("PLUGIN") { Description = "The plugin id in the catalog ('plugboard plugins list')." };
        var version = new Option<string?>("--version") { Description = "Install this version and stay on it (upgrade mode manual).", HelpName = "VERSION" };
        var auto = new Option<bool>("--auto") { Description = "Follow the highest version the plugin's upgrade rules allow (upgrade mode auto; the default without --version)." };
        var set = SetOption();
        var configFile = ConfigFileOption();
        var scope = new Option<string?>("--scope") { Description = "Where it runs; the center realizes scope 'center' itself (the default).", HelpName = "SCOPE" };
        var wait = InstallationWait.WaitOption();
        var timeout = InstallationWait.TimeoutOption();
        var command = new Command("install", "Install a plugin from the catalog through the plugin center, with its configuration; --wait follows it to Active or Failed.")
        {
            plugin, version, auto, set, configFile, scope, wait, timeout,
        };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var id = parse.GetRequiredValue(plugin);
            var pinned = parse.GetValue(version);
            if (pinned is not null && parse.GetValue(auto))
            {
                throw CliException.Usage("--version and --auto exclude each other: --version stays on one version, --auto follows new ones.");
            }

            using var client = new CenterClient(center.Resolve(parse, context.Environment));

            // The schema of the version that will run types the --set values.
            var detail = await client.GetAsync<PluginDetail>($"api/v1/plugins/{CenterClient.Escape(id)}", cancellationToken);
            var target = pinned is null ? (detail.Value.Versions.Count > 0 ? detail.Value.Versions[0] : null) : detail.Value.Versions.FirstOrDefault(v => SameVersion(v.Version, pinned));
            var config = ConfigValues.Build(parse.GetValue(configFile), parse.GetValue(set) ?? [], target?.ConfigSchema, null, context.Environment);

            var body = new CreateInstallationRequest(id, pinned, pinned is null ? "auto" : "manual", config, parse.GetValue(scope));
            var reply = await client.PostAsync<InstallationDto>("api/v1/installations", body, cancellationToken);
            var installation = reply.Value;
            var json = parse.GetValue(center.Json);
            if (!json)
            {
                context.Console.Out.WriteLine(reply.Status == HttpStatusCode.Created
                    ? $"Installing {installation.Plugin} ({(installation.UpgradeMode == "auto" ? "auto" : installation.PinnedVersion)}) in scope '{installation.Scope}' as {installation.Id}: {installation.Phase}"
                    : $"{installation.Plugin} is already installed like this in scope '{installation.Scope}' as {installation.Id}: {installation.Phase}");
            }

            if (!parse.GetValue(wait))
            {
                if (json)
                {
                    CenterOutput.Json(context, reply.Json);
                }
                else
                {
                    context.Console.Out.WriteLine($"'plugboard status {installation.Id}' shows its progress; --wait follows it.");
                }

                return ExitCodes.Success;
            }

            var (exitCode, last) = await InstallationWait.WaitAsync(context, client, installation.Id, installation.Generation, parse.GetValue(timeout), json, cancellationToken);
            if (json)
            {
                CenterOutput.Json(context, last.Json);
            }
            else
            {
                InstallationWait.Report(context, last.Value);
            }

            return exitCode;
        });
        return command;
    }

    private static bool SameVersion(string a, string b) =>
        NuGetVersion.TryParse(a, out var x) && NuGetVersion.TryParse(b, out var y) ? x == y : a == b;
}

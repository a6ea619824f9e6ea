using System.CommandLine;
using System.Text.Json.Nodes;
using Plugboard.Cli.Console;
using static Plugboard.Server.Api.InstallationsApi;

namespace Plugboard.Cli.Center;

/// <summary>
/// <c>plugboard upgrade|configure|uninstall INSTALLATION</c>: changes to an installation, each sent with <c>If-Match</c>
/// from a fresh read, so a change someone else made in between is refused (412) rather than overwritten.
/// </summary>
internal static class ChangeCommands
{
    public static Command Upgrade(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var installation = InstallationArgument();
        var version = new Option<string>("--version") { Description = "The version to move to (the installation stays on it: upgrade mode manual).", HelpName = "VERSION", Required = true };
        var wait = InstallationWait.WaitOption();
        var timeout = InstallationWait.TimeoutOption();
        var command = new Command("upgrade", "Move an installation to another version; refused when the version's upgrade rules exclude the running one (or it is older).")
        {
            installation, version, wait, timeout,
        };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var id = parse.GetRequiredValue(installation);
            var current = await client.GetAsync<InstallationDto>(PathOf(id), cancellationToken);
            var reply = await client.PatchAsync<InstallationDto>(PathOf(id), new PatchInstallationRequest(parse.GetRequiredValue(version), "manual", null), current.ETag, cancellationToken);
            return await FinishAsync(context, client, reply, $"version ({current.Value.Version ?? current.Value.PinnedVersion} to {parse.GetRequiredValue(version)})", parse.GetValue(wait), parse.GetValue(timeout), parse.GetValue(center.Json), cancellationToken);
        });
        return command;
    }

    public static Command Configure(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var installation = InstallationArgument();
        var set = InstallCommand.SetOption();
        var configFile = InstallCommand.ConfigFileOption();
        var wait = InstallationWait.WaitOption();
        var timeout = InstallationWait.TimeoutOption();
        var command = new Command("configure", "Change an installation's configuration: the fields given change, the others (secrets included) are kept. Init and Verify run on a new instance while the old one serves.")
        {
            installation, set, configFile, wait, timeout,
        };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var assignments = parse.GetValue(set) ?? [];
            var file = parse.GetValue(configFile);
            if (assignments.Length == 0 && file is null)
            {
                throw CliException.Usage("Nothing to change: give --set KEY=VALUE (repeatable) or --config-file FILE.");
            }

            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var id = parse.GetRequiredValue(installation);

            // The form holds the schema of the running version and the current values, secrets masked: a masked secret
            // sent back is kept by the center, so only what --set names changes.
            var current = await client.GetAsync<InstallationDto>(PathOf(id), cancellationToken);
            var form = await client.GetAsync<FormDto>(PathOf(id) + "/form", cancellationToken);
            var config = ConfigValues.Build(file, assignments, form.Value.Schema, (JsonObject)current.Value.Config.DeepClone(), context.Environment);
            var reply = await client.PatchAsync<InstallationDto>(PathOf(id), new PatchInstallationRequest(null, null, config), current.ETag, cancellationToken);
            return await FinishAsync(context, client, reply, "configuration", parse.GetValue(wait), parse.GetValue(timeout), parse.GetValue(center.Json), cancellationToken);
        });
        return command;
    }

    public static Command Uninstall(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var installation = InstallationArgument();
        var wait = new Option<bool>("--wait", "-w") { Description = "Wait until the center has released and removed it." };
        var timeout = InstallationWait.TimeoutOption();
        var command = new Command("uninstall", "Uninstall an installation; refused while an Active installation in the same scope depends on its plugin (the refusal names it).")
        {
            installation, wait, timeout,
        };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var id = parse.GetRequiredValue(installation);
            var current = await client.GetAsync<InstallationDto>(PathOf(id), cancellationToken);
            var reply = await client.DeleteAsync<InstallationDto>(PathOf(id), current.ETag, cancellationToken);
            var json = parse.GetValue(center.Json);
            if (!json)
            {
                context.Console.Out.WriteLine($"Uninstalling {id} ({reply.Value.Plugin} {reply.Value.Version}): {reply.Value.Phase}");
            }

            if (parse.GetValue(wait))
            {
                using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                deadline.CancelAfter(parse.GetValue(timeout));
                try
                {
                    while (await client.FindAsync<InstallationDto>(PathOf(id), deadline.Token) is not null)
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(300), TimeProvider.System, deadline.Token);
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new CliException($"{id} is still there after {parse.GetValue(timeout)}; 'plugboard status {id}' shows why.");
                }

                if (!json)
                {
                    context.Console.Out.WriteLine($"{id} is uninstalled.");
                }
            }

            if (json)
            {
                CenterOutput.Json(context, reply.Json);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    public static Argument<string> InstallationArgument() => new("INSTALLATION") { Description = "The installation id (inst_…; 'plugboard status' lists them)." };

    public static string PathOf(string id) => $"api/v1/installations/{CenterClient.Escape(id)}";

    private static async Task<int> FinishAsync(CliContext context, CenterClient client, CenterReply<InstallationDto> reply, string what, bool wait, TimeSpan timeout, bool json, CancellationToken cancellationToken)
    {
        var installation = reply.Value;
        if (!json)
        {
            context.Console.Out.WriteLine(installation.Generation > installation.ObservedGeneration
                ? $"Changed the {what} of {installation.Id} ({installation.Plugin}); generation {installation.Generation} is being applied, now {installation.Phase}"
                : $"The {what} of {installation.Id} ({installation.Plugin}) is already so; nothing changed ({installation.Phase})");
        }

        if (!wait)
        {
            if (json)
            {
                CenterOutput.Json(context, reply.Json);
            }

            return ExitCodes.Success;
        }

        var (exitCode, last) = await InstallationWait.WaitAsync(context, client, installation.Id, installation.Generation, timeout, json, cancellationToken);
        if (json)
        {
            CenterOutput.Json(context, last.Json);
        }
        else
        {
            InstallationWait.Report(context, last.Value);
        }

        return exitCode;
    }
}

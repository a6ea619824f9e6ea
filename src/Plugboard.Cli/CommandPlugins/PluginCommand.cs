using System.CommandLine;
using Plugboard.Cli.CommandPlugins.Fetching;
using Plugboard.Cli.Console;
using Plugboard.Cli.Packages;
using Plugboard.Packaging;
using Spectre.Console;

namespace Plugboard.Cli.CommandPlugins;

/// <summary><c>plugboard plugin list|install|uninstall|update</c>: command plugins, as kubectl and helm have them.</summary>
internal static class PluginCommand
{
    public static Command Create(CliContext context, IReadOnlyCollection<string> builtInCommands)
    {
        var command = new Command("plugin", "Manage command plugins: 'plugboard NAME …' runs the command plugin NAME.");
        command.Add(List(context));
        command.Add(Install(context, builtInCommands, update: false));
        command.Add(Install(context, builtInCommands, update: true));
        command.Add(Uninstall(context, builtInCommands));
        return command;
    }

    private static Command List(CliContext context)
    {
        var json = CliContext.JsonOption();
        var command = new Command("list", "List the command plugins: installed ones (with version and description) and plugboard-NAME executables on PATH.") { json };
        context.SetAction(command, (parse, _) =>
        {
            var catalog = new CommandPluginCatalog(context.Environment);
            var installed = catalog.ListInstalled();
            var names = installed.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var onPath = catalog.ListOnPath();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new
                {
                    pluginsDirectory = catalog.PluginsDirectory,
                    plugins = installed.Concat(onPath).Select(p => new
                    {
                        name = p.Name,
                        command = p.Command,
                        origin = p.Origin,
                        version = p.Version,
                        description = p.Description,
                        path = p.Origin == CommandPluginOrigin.Installed ? p.Directory : p.Executable,
                        shadowed = p.Origin == CommandPluginOrigin.Path && names.Contains(p.Name),
                        problem = p.Problem,
                    }),
                });
                return Task.FromResult(ExitCodes.Success);
            }

            if (installed.Count == 0 && onPath.Count == 0)
            {
                context.Console.Out.WriteLine($"No command plugins. Install one with 'plugboard plugin install DIR_OR_PKG' (into {catalog.PluginsDirectory}), or put an executable named plugboard-NAME on PATH.");
                return Task.FromResult(ExitCodes.Success);
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("name", "version", "from", "description");
            foreach (var plugin in installed)
            {
                table.AddRow(
                    CliConsole.Cell(plugin.Name), CliConsole.Cell(plugin.Version ?? "-"), CliConsole.Cell(plugin.Directory ?? string.Empty),
                    plugin.Problem is null ? CliConsole.Cell(plugin.Description ?? string.Empty) : new Markup($"[red]broken:[/] {Markup.Escape(TerminalText.Escape(plugin.Problem))}"));
            }

            foreach (var plugin in onPath)
            {
                var shadowed = names.Contains(plugin.Name) ? " (hidden by the installed plugin of that name)" : string.Empty;
                table.AddRow(CliConsole.Cell(plugin.Command), CliConsole.Cell("-"), CliConsole.Cell(plugin.Executable ?? string.Empty), CliConsole.Cell("on PATH" + shadowed));
            }

            context.Console.Ansi.Write(table);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Install(CliContext context, IReadOnlyCollection<string> builtInCommands, bool update)
    {
        var source = update
            ? new Argument<string?>("NAME_OR_SOURCE") { Description = "An installed plugin's name (fetched again from where it came; only a higher version is installed), or a source to replace it with, as for install.", Arity = ArgumentArity.ZeroOrOne }
            : new Argument<string?>("SOURCE") { Description = "A command plugin folder or .pbpkg file; an https URL of a .tar.gz, .zip or .pbpkg; a git URL (…/repo.git, ssh, file://; git+URL for others) with an optional @REF; or the id of a plugin in the configured sources' cache (after 'plugboard sync')." };
        var trust = VerifyCommand.TrustOption();
        var requireSignature = new Option<bool>("--require-signature") { Description = "Refuse a package without a valid signature by a trusted key." };
        var digest = new Option<string?>("--digest") { Description = "The digest a .pbpkg file must have.", HelpName = "sha256:HEX" };
        var sha256 = new Option<string?>("--sha256") { Description = "The SHA-256 a downloaded archive must have (pins it; without it the digest is shown and recorded).", HelpName = "HEX" };
        var caBundle = new Option<string?>("--ca-bundle") { Description = "A PEM file of the CA certificates the https or git server's certificate must chain to, instead of the machine's store.", HelpName = "FILE" };
        var allowInsecure = new Option<bool>("--allow-insecure") { Description = "Accept http:// (and git://) without TLS; a warning is printed." };
        var config = CliContext.ConfigOption();
        var force = new Option<bool>("--force") { Description = "Allow replacing the plugin with an older version than the one installed (with a SOURCE)." };
        var all = new Option<bool>("--all") { Description = "Update every installed plugin that has a receipt from its recorded source." };
        var reference = new Option<string?>("--ref") { Description = "For a plugin installed from git: fetch this tag, branch or commit instead of the recorded ref, and move to it only if its version is higher (the receipt then records it).", HelpName = "REF" };
        var json = CliContext.JsonOption();
        var command = update
            ? new Command("update", "Update a command plugin: by NAME, fetched again from the source its receipt records (installs only a higher version; git: where the ref now points); --all for every plugin; or replaced from a SOURCE (refuses a downgrade unless --force).") { source, all, reference, trust, requireSignature, digest, sha256, caBundle, allowInsecure, config, force, json }
            : new Command("install", "Install a command plugin from a folder, a .pbpkg, an https archive, a git repository or the sources' cache: fetched, verified, extracted safely, its install hook run, then moved into the plugins folder with a receipt.") { source, trust, requireSignature, digest, sha256, caBundle, allowInsecure, config, json };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            PackageDigest? expected = null;
            if (parse.GetValue(digest) is { } text && !PackageDigest.TryParse(text, out expected))
            {
                throw CliException.Usage($"--digest '{text}' is not a digest: give 'sha256:' followed by 64 hex digits.");
            }

            string? pin = null;
            if (parse.GetValue(sha256) is { } pinText && !PluginDownload.TryParseSha256(pinText, out pin))
            {
                throw CliException.Usage($"--sha256 '{pinText}' is not a SHA-256: give 64 hex digits (as 'sha256sum FILE' prints them).");
            }

            var caBundlePath = parse.GetValue(caBundle) is { } bundle ? context.Environment.ResolvePath(bundle) : null;
            var options = new InstallOptions(
                parse.GetValue(trust), parse.GetValue(requireSignature), expected,
                new FetchOptions(caBundlePath, parse.GetValue(allowInsecure), pin), parse.GetValue(config));
            var installer = new CommandPluginInstaller(context.Environment, builtInCommands, context.Console.Error, TimeProvider.System);
            var argument = parse.GetValue(source);
            var newRef = update ? parse.GetValue(reference) : null;
            var results = new List<InstallResult>();
            var failures = new List<string>();
            if (!update)
            {
                if (argument is null)
                {
                    throw CliException.Usage("Give the SOURCE to install from: a folder, a .pbpkg, an https URL, a git URL or a plugin id.");
                }

                results.Add(await installer.InstallAsync(argument, options, cancellationToken));
            }
            else if (parse.GetValue(all))
            {
                if (argument is not null)
                {
                    throw CliException.Usage("Give either --all or a NAME_OR_SOURCE, not both.");
                }

                if (newRef is not null)
                {
                    throw CliException.Usage("--ref moves one git-installed plugin to another ref: give its NAME, not --all.");
                }

                foreach (var name in installer.Updatable())
                {
                    try
                    {
                        results.Add(await installer.UpdateInstalledAsync(name, options with { Fetch = options.Fetch with { Sha256 = null } }, cancellationToken));
                    }
                    catch (CliException ex)
                    {
                        failures.Add(name);
                        context.Console.Error.WriteLine($"error: {name}: {ex.Message}");
                    }
                }
            }
            else if (argument is null)
            {
                throw CliException.Usage("Give the NAME of an installed plugin, a SOURCE to update from, or --all.");
            }
            else if (CommandPluginName.IsValid(argument) && Directory.Exists(Path.Combine(context.Environment.PluginsDirectory, argument)))
            {
                results.Add(await installer.UpdateInstalledAsync(argument, options, cancellationToken, newRef));
            }
            else if (newRef is not null)
            {
                throw CliException.Usage($"--ref needs the NAME of a command plugin installed from git; '{argument}' is not installed in '{context.Environment.PluginsDirectory}'. To install from a ref, give URL@REF to 'plugboard plugin install'.");
            }
            else
            {
                results.Add(await installer.UpdateFromAsync(argument, options, parse.GetValue(force), cancellationToken));
            }

            if (parse.GetValue(json))
            {
                var items = results.Select(r => new
                {
                    name = r.Plugin.Name,
                    version = r.Plugin.Version,
                    previousVersion = r.PreviousVersion,
                    changed = r.Changed,
                    directory = r.Plugin.Directory,
                    executable = r.Plugin.Executable,
                    source = new { kind = r.Receipt.Kind, location = r.Receipt.Source, @ref = r.Receipt.Ref, commit = r.Receipt.Commit, digest = r.Receipt.Digest, pinned = r.Receipt.Pinned, sourceName = r.Receipt.SourceName },
                });
                object document = update && parse.GetValue(all) ? new { plugins = items.ToList(), failed = failures } : items.Single();
                JsonOutput.Write(context.Console, document);
            }
            else
            {
                foreach (var result in results)
                {
                    WriteResult(context, result, update);
                }

                if (update && parse.GetValue(all) && results.Count == 0 && failures.Count == 0)
                {
                    context.Console.Out.WriteLine("No installed command plugin has a receipt to update from.");
                }
            }

            return failures.Count == 0 ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static void WriteResult(CliContext context, InstallResult result, bool update)
    {
        var plugin = result.Plugin;
        var receipt = result.Receipt;
        var output = context.Console.Out;
        if (!result.Changed)
        {
            output.WriteLine($"Command plugin '{plugin.Name}' {plugin.Version} is up to date ({receipt.Location} offers {receipt.Version}).");
            return;
        }

        var change = update ? $"Updated command plugin '{plugin.Name}' {result.PreviousVersion ?? "?"} -> {plugin.Version}" : $"Installed command plugin '{plugin.Name}' {plugin.Version}";
        output.WriteLine($"{change} in {plugin.Directory}");
        output.WriteLine(receipt.Kind switch
        {
            Receipts.PluginSourceKind.Url when !receipt.Pinned => $"  from {receipt.Source}, {receipt.Digest} (not pinned: give --sha256 {receipt.Digest?[PackageDigest.Prefix.Length..]} to insist on these bytes)",
            Receipts.PluginSourceKind.Git => $"  from {receipt.Location}, commit {receipt.Commit}",
            Receipts.PluginSourceKind.Cache => $"  from the cache (source '{receipt.SourceName}'), {receipt.Digest}",
            _ => $"  from {receipt.Location}{(receipt.Digest is { } d ? ", " + d : string.Empty)}",
        });
        output.WriteLine($"Run it with: plugboard {plugin.Command} [args...]");
    }

    private static Command Uninstall(CliContext context, IReadOnlyCollection<string> builtInCommands)
    {
        var name = new Argument<string>("NAME") { Description = "The command plugin to remove (its uninstall hook runs first; a failing hook keeps it)." };
        var json = CliContext.JsonOption();
        var command = new Command("uninstall", "Remove an installed command plugin.") { name, json };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var plugin = await new CommandPluginInstaller(context.Environment, builtInCommands, context.Console.Error, TimeProvider.System).UninstallAsync(parse.GetRequiredValue(name), cancellationToken);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new { name = plugin.Name, version = plugin.Version, directory = plugin.Directory });
            }
            else
            {
                context.Console.Out.WriteLine($"Uninstalled command plugin '{plugin.Name}'{(plugin.Version is { } v ? $" {v}" : string.Empty)} from {plugin.Directory}");
            }

            return ExitCodes.Success;
        });
        return command;
    }
}

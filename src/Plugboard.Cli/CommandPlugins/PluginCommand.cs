using System.CommandLine;
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
                table.AddRow(CliConsole.Cell(plugin.Name), CliConsole.Cell("-"), CliConsole.Cell(plugin.Executable ?? string.Empty), CliConsole.Cell("on PATH" + shadowed));
            }

            context.Console.Ansi.Write(table);
            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }

    private static Command Install(CliContext context, IReadOnlyCollection<string> builtInCommands, bool update)
    {
        var source = new Argument<string>("DIR_OR_PKG") { Description = "A command plugin folder (with plugin.yaml, runtime: command) or a .pbpkg file." };
        var trust = VerifyCommand.TrustOption();
        var requireSignature = new Option<bool>("--require-signature") { Description = "Refuse a package without a valid signature by a trusted key." };
        var digest = new Option<string?>("--digest") { Description = "The digest the package must have.", HelpName = "sha256:HEX" };
        var force = new Option<bool>("--force") { Description = "Allow installing an older version than the one installed." };
        var json = CliContext.JsonOption();
        var command = update
            ? new Command("update", "Replace an installed command plugin with a newer version from a folder or package; refuses a downgrade unless --force.") { source, trust, requireSignature, digest, force, json }
            : new Command("install", "Install a command plugin from a folder or a .pbpkg (verified, then extracted safely) into the plugins folder.") { source, trust, requireSignature, digest, json };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            PackageDigest? expected = null;
            if (parse.GetValue(digest) is { } text && !PackageDigest.TryParse(text, out expected))
            {
                throw CliException.Usage($"--digest '{text}' is not a digest: give 'sha256:' followed by 64 hex digits.");
            }

            var installer = new CommandPluginInstaller(context.Environment, builtInCommands);
            var options = new InstallOptions(parse.GetValue(trust), parse.GetValue(requireSignature), expected);
            var path = parse.GetRequiredValue(source);
            CommandPlugin plugin;
            string? previous = null;
            if (update)
            {
                (plugin, previous) = await installer.UpdateAsync(path, options, parse.GetValue(force), cancellationToken);
            }
            else
            {
                plugin = await installer.InstallAsync(path, options, cancellationToken);
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new { name = plugin.Name, version = plugin.Version, previousVersion = previous, directory = plugin.Directory, executable = plugin.Executable });
            }
            else
            {
                var change = update ? $"Updated command plugin '{plugin.Name}' {previous ?? "?"} -> {plugin.Version}" : $"Installed command plugin '{plugin.Name}' {plugin.Version}";
                context.Console.Out.WriteLine($"{change} in {plugin.Directory}");
                context.Console.Out.WriteLine($"Run it with: plugboard {plugin.Name} [args...]");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static Command Uninstall(CliContext context, IReadOnlyCollection<string> builtInCommands)
    {
        var name = new Argument<string>("NAME") { Description = "The command plugin to remove." };
        var json = CliContext.JsonOption();
        var command = new Command("uninstall", "Remove an installed command plugin.") { name, json };
        context.SetAction(command, (parse, _) =>
        {
            var plugin = new CommandPluginInstaller(context.Environment, builtInCommands).Uninstall(parse.GetRequiredValue(name));
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new { name = plugin.Name, version = plugin.Version, directory = plugin.Directory });
            }
            else
            {
                context.Console.Out.WriteLine($"Uninstalled command plugin '{plugin.Name}'{(plugin.Version is { } v ? $" {v}" : string.Empty)} from {plugin.Directory}");
            }

            return Task.FromResult(ExitCodes.Success);
        });
        return command;
    }
}

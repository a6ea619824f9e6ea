using System.CommandLine;
using System.CommandLine.Help;
using Plugboard.Cli.Cache;
using Plugboard.Cli.Center;
using Plugboard.Cli.CommandPlugins;
using Plugboard.Cli.Completion;
using Plugboard.Cli.Conformance;
using Plugboard.Cli.Console;
using Plugboard.Cli.Keys;
using Plugboard.Cli.Locking;
using Plugboard.Cli.Packages;
using Plugboard.Cli.Sync;
using Plugboard.Manifests.Text;

namespace Plugboard.Cli;

/// <summary>
/// The <c>plugboard</c> command: builds the command tree, hands an unknown first word to a command plugin of
/// that name, and turns every failure into one message on stderr with exit code 1 (failure) or 2 (usage).
/// </summary>
internal static class PlugboardCli
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var context = new CliContext(console, environment);
        var root = CreateRoot(context);
        var builtIn = root.Subcommands.Select(c => c.Name).ToList();
        if (args.Count > 0 && args[0] == Completer.Word)
        {
            return await Completer.RunAsync([.. args.Skip(1)], root, context, cancellationToken).ConfigureAwait(false);
        }

        // "plugboard help sync" is "plugboard sync --help", as in git and kubectl.
        if (FindCommandWord(args, context) is { } helpIndex && args[helpIndex] == "help")
        {
            args = [.. args.Take(helpIndex), .. args.Skip(helpIndex + 1), "--help"];
        }

        if (FlagBeforePlugin(args, root, context) is { } misplaced)
        {
            console.Error.WriteLine($"error: '{misplaced.Flag}' comes before the command '{misplaced.Command}': plugboard takes no such option, and a command plugin gets only what follows its name. Write 'plugboard {misplaced.Command} {misplaced.Flag} …'.");
            return ExitCodes.Usage;
        }

        if (FindCommandWord(args, context) is { } index && !IsBuiltIn(root, args[index]))
        {
            var name = args[index];
            var match = new CommandPluginCatalog(environment).Find([.. args.Skip(index)]);
            if (match is null)
            {
                var suggestion = NameSuggestion.Closest(name, builtIn) is { } closest ? $" Did you mean '{closest}'?" : string.Empty;
                console.Error.WriteLine($"error: Unknown command '{name}'.{suggestion}");
                console.Error.WriteLine($"Commands: {string.Join(", ", builtIn.Order(StringComparer.Ordinal))}.");
                console.Error.WriteLine(CommandPluginName.IsValidWord(name)
                    ? $"No command plugin '{name}' either: looked for {Path.Combine(environment.PluginsDirectory, name, "plugin.yaml")} and for an executable '{CommandPluginName.ExecutablePrefix}{CommandPluginName.FileNameOf([name])}' on PATH. 'plugboard plugin list' shows the command plugins; 'plugboard --help' shows usage."
                    : "Run 'plugboard --help' for usage.");
                return ExitCodes.Usage;
            }

            try
            {
                return await CommandPluginRunner.RunAsync(match.Plugin, [.. args.Skip(index + match.WordCount)], context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                return ErrorReport.Write(console, ex, args.Take(index).Contains("--verbose"));
            }
        }

        var parseResult = root.Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                console.Error.WriteLine($"error: {error.Message}");
            }

            var path = string.Join(' ', Ancestry(parseResult.CommandResult.Command).Select(c => c is RootCommand ? "plugboard" : c.Name));
            console.Error.WriteLine($"Run '{path} --help' for usage.");
            return ExitCodes.Usage;
        }

        var configuration = new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
        };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The command tree; every built-in command name here also protects against a command plugin of the same name.</summary>
    public static RootCommand CreateRoot(CliContext context)
    {
        var root = new RootCommand("plugboard: pack, sign and verify plugin packages, sync plugin sources into the cache, run and drive a plugin center (serve, plugins, push, install, status, …), and run command plugins ('plugboard NAME …' runs the command plugin NAME).");
        root.Options.Add(context.Verbose);
        root.Add(PackCommand.Create(context));
        root.Add(VerifyCommand.Create(context));
        root.Add(KeysCommand.Create(context));
        root.Add(SyncCommand.Create(context));
        root.Add(CacheCommand.Create(context));
        root.Add(LockCommand.Create(context));
        root.Add(TestCommand.Create(context));
        root.Add(VersionCommand.Create(context));
        root.Add(CompletionCommand.Create(context));

        // The plugin center: run one, and drive one through its REST API.
        root.Add(ServeCommand.Create(context));
        root.Add(PluginsCommand.Create(context));
        root.Add(PushCommand.Create(context));
        root.Add(InstallCommand.Create(context));
        root.Add(ChangeCommands.Upgrade(context));
        root.Add(ChangeCommands.Configure(context));
        root.Add(ChangeCommands.Uninstall(context));
        root.Add(StatusCommand.Create(context));
        root.Add(KubernetesCommand.Create(context));
        root.Add(SourcesCommand.Create(context));
        root.Add(TokensCommand.Create(context));
        root.Add(HostsCommand.Create(context));

        // Names are known only once every built-in command is added; the plugin commands refuse them as plugin ids.
        var builtIn = root.Subcommands.Select(c => c.Name).Append("plugin").Append("help").ToList();
        root.Add(PluginCommand.Create(context, builtIn));
        root.SetAction(parse =>
        {
            new HelpAction().Invoke(parse);
            return ExitCodes.Success;
        });
        return root;
    }

    /// <summary>The index of the first word that names a command (after global options), or null when there is none.</summary>
    private static int? FindCommandWord(IReadOnlyList<string> args, CliContext context)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var token = args[i];
            if (context.Verbose.Name == token || context.Verbose.Aliases.Contains(token))
            {
                continue;
            }

            // Options (--help, --version), directives ([diagram]) and response files (@args) are the parser's business.
            return token.Length > 0 && token[0] is not ('-' or '[' or '@') ? i : null;
        }

        return null;
    }

    /// <summary>
    /// A flag plugboard does not know placed before a word that is no built-in command (<c>plugboard --x foo</c>):
    /// a command plugin gets only what follows its name, so the flag would be lost; null when there is none.
    /// </summary>
    private static (string Flag, string Command)? FlagBeforePlugin(IReadOnlyList<string> args, RootCommand root, CliContext context)
    {
        string? flag = null;
        foreach (var token in args)
        {
            if (token == "--")
            {
                return null;
            }

            if (context.Verbose.Name == token || context.Verbose.Aliases.Contains(token))
            {
                continue;
            }

            if (token.Length > 1 && token[0] == '-')
            {
                if (root.Options.Any(o => o.Name == token || o.Aliases.Contains(token)))
                {
                    return null;
                }

                flag ??= token;
                continue;
            }

            return flag is not null && token.Length > 0 && token[0] is not ('[' or '@') && !IsBuiltIn(root, token) ? (flag, token) : null;
        }

        return null;
    }

    private static bool IsBuiltIn(RootCommand root, string word)
        => root.Subcommands.Any(c => c.Name == word || c.Aliases.Contains(word));

    private static IEnumerable<Command> Ancestry(Command command)
    {
        var chain = new List<Command>();
        for (Symbol? symbol = command; symbol is Command current; symbol = current.Parents.FirstOrDefault())
        {
            chain.Add(current);
        }

        chain.Reverse();
        return chain;
    }
}

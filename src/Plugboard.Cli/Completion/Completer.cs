using System.CommandLine;
using System.Diagnostics;
using Plugboard.Cli.CommandPlugins;
using Plugboard.Cli.Console;

namespace Plugboard.Cli.Completion;

/// <summary>
/// <c>plugboard __complete WORD… PARTIAL</c>, what the completion scripts call: prints the candidates for the
/// last word, one per line. Built-in commands are completed by System.CommandLine from the command tree (their
/// subcommands, options and the values an argument accepts); command plugins by their names, word by word as
/// they are run (longest match); and a plugin's own arguments by its <c>plugboard_complete-NAME</c> executable,
/// kubectl's convention, when it ships one (in its folder, or on PATH).
/// </summary>
internal static class Completer
{
    /// <summary>The hidden word the scripts call plugboard with.</summary>
    public const string Word = "__complete";

    private static readonly TimeSpan PluginTimeout = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(IReadOnlyList<string> words, RootCommand root, CliContext context, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var candidate in await CompleteAsync(words, root, context, cancellationToken).ConfigureAwait(false))
            {
                context.Console.Out.WriteLine(candidate);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CliException)
        {
            // Completion must never print an error into the user's command line.
        }

        return ExitCodes.Success;
    }

    public static async Task<IReadOnlyList<string>> CompleteAsync(IReadOnlyList<string> words, RootCommand root, CliContext context, CancellationToken cancellationToken)
    {
        var typed = words.Count == 0 ? [string.Empty] : words;
        var partial = typed[^1];
        var before = typed.Take(typed.Count - 1).SkipWhile(w => w == context.Verbose.Name).ToList();
        var catalog = new CommandPluginCatalog(context.Environment);

        if (before.Count == 0 || IsBuiltIn(root, before[0]))
        {
            var builtIn = BuiltIn(root, before, partial);
            return before.Count == 0 && !partial.StartsWith('-')
                ? [.. builtIn.Concat(NextWords(catalog, [], partial)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
                : builtIn;
        }

        var candidates = NextWords(catalog, before, partial).ToList();
        if (catalog.Find(before) is { } match)
        {
            var arguments = before.Skip(match.WordCount).Append(partial).ToList();
            candidates.AddRange(await PluginCompletionsAsync(catalog, match.Plugin, arguments, context, cancellationToken).ConfigureAwait(false));
        }

        return [.. candidates.Distinct(StringComparer.Ordinal)];
    }

    // System.CommandLine completes what the tree knows: subcommands, options, and argument values (e.g. the shells of 'completion').
    private static IReadOnlyList<string> BuiltIn(RootCommand root, IReadOnlyList<string> before, string partial)
    {
        var line = string.Concat(before.Select(w => Quote(w) + " ")) + (partial.Contains(' ', StringComparison.Ordinal) ? Quote(partial) : partial);
        var result = root.Parse(line);
        return [.. result.GetCompletions(line.Length)
            .Select(c => c.Label)
            // '/?', '/h' and '-?' are help's Windows-style aliases: noise in a Unix shell.
            .Where(label => label.StartsWith(partial, StringComparison.Ordinal) && label != Word && !label.StartsWith('/') && label != "-?")
            .Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The next word of every command plugin whose name starts with the words typed: <c>foo</c> then <c>bar</c> for <c>plugboard-foo-bar</c>.</summary>
    private static IEnumerable<string> NextWords(CommandPluginCatalog catalog, IReadOnlyList<string> before, string partial)
    {
        var names = catalog.ListInstalled().Where(p => p.Problem is null).Select(p => (IReadOnlyList<string>)p.Name.Split('-'))
            .Concat(catalog.ListOnPath().Select(p => CommandPluginName.WordsOf(p.Name)));
        return names
            .Where(words => words.Count > before.Count && words.Take(before.Count).SequenceEqual(before, StringComparer.Ordinal))
            .Select(words => words[before.Count])
            .Where(word => word.StartsWith(partial, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);
    }

    // kubectl runs kubectl_complete-NAME with the arguments after the plugin's name, the last being the word typed.
    private static async Task<IEnumerable<string>> PluginCompletionsAsync(CommandPluginCatalog catalog, CommandPlugin plugin, IReadOnlyList<string> arguments, CliContext context, CancellationToken cancellationToken)
    {
        var fileName = plugin.Origin == CommandPluginOrigin.Installed ? CommandPluginName.FileNameOf(plugin.Name.Split('-')) : plugin.Name;
        var completer = plugin.Directory is { } folder && File.Exists(Path.Combine(folder, CommandPluginName.CompletionPrefix + plugin.Name))
            ? Path.Combine(folder, CommandPluginName.CompletionPrefix + plugin.Name)
            : catalog.FindExecutableOnPath(CommandPluginName.CompletionPrefix, fileName);
        if (completer is null)
        {
            return [];
        }

        var start = new ProcessStartInfo(completer)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            WorkingDirectory = context.Environment.WorkingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach (var (name, value) in context.Environment.Variables)
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in CommandPluginRunner.Variables(plugin, context.Environment))
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return [];
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(PluginTimeout, TimeProvider.System);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var output = process.StandardOutput.ReadToEndAsync(linked.Token);
        var error = process.StandardError.ReadToEndAsync(linked.Token);
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
            var text = await output.ConfigureAwait(false);
            await error.ConfigureAwait(false);

            // Cobra-made completers end with a ':N' directive line; plain ones print candidates only.
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(line => !line.StartsWith(':') && !line.Any(TerminalText.Acts))
                .Select(line => line.Split('\t')[0]);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return [];
        }
    }

    private static bool IsBuiltIn(RootCommand root, string word) => root.Subcommands.Any(c => c.Name == word || c.Aliases.Contains(word));

    private static string Quote(string word) => word.Length == 0 || word.Contains(' ', StringComparison.Ordinal) ? $"\"{word}\"" : word;
}

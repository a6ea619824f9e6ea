using System.Globalization;
using Plugboard.Cli.Configuration;
using Plugboard.Cli.Console;
using Plugboard.Manifests.Text;
using Plugboard.Sources.Sync;
using Spectre.Console;

namespace Plugboard.Cli.Sync;

/// <summary>Runs a sync and shows it: progress bars per source in a terminal, then a summary table (or JSON).</summary>
internal static class SyncReport
{
    public static async Task<int> RunAsync(CliContext context, CliConfiguration configuration, SyncOptions syncOptions, bool json, bool verbose, CancellationToken cancellationToken)
    {
        var console = context.Console;
        using var loggerFactory = StderrLoggerProvider.CreateFactory(console, verbose);
        using var sources = SourcesRuntime.Create(configuration, loggerFactory, checkSources: true);
        var runner = sources.CreateRunner();
        var configured = configuration.Sources.Sources.Select(s => s.Name).ToList();
        var names = syncOptions.Sources?.ToList() ?? configured;
        if (names.FirstOrDefault(n => !configured.Contains(n, StringComparer.OrdinalIgnoreCase)) is { } unknown)
        {
            var hint = NameSuggestion.Closest(unknown, configured) is { } closest ? $" Did you mean '{closest}'?" : string.Empty;
            throw CliException.Usage($"No source is named '{unknown}'.{hint} {configuration.Describe()} configures: {(configured.Count == 0 ? "no source" : string.Join(", ", configured))}.");
        }

        SyncRun run;
        if (console.IsTerminal && !json && names.Count > 0)
        {
            run = await console.Ansi.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
                .StartAsync(async progressContext =>
                {
                    var tasks = names.ToDictionary(n => n, n => progressContext.AddTask(Markup.Escape(n), autoStart: true, maxValue: 1), StringComparer.OrdinalIgnoreCase);
                    return await runner.SyncAsync(syncOptions, new ProgressBars(tasks), cancellationToken);
                });
        }
        else
        {
            run = await runner.SyncAsync(syncOptions, null, cancellationToken);
        }

        if (json)
        {
            JsonOutput.Write(console, new
            {
                id = run.Id,
                startedAt = run.StartedAt,
                duration = run.Duration,
                succeeded = run.Succeeded,
                config = configuration.File,
                cacheDirectory = configuration.Sources.CacheDirectory,
                sources = run.Sources,
            });
        }
        else
        {
            WriteTable(console, run);
        }

        return run.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static void WriteTable(CliConsole console, SyncRun run)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("source");
        table.AddColumn("status");
        foreach (var name in new[] { "added", "updated", "unchanged", "removed" })
        {
            table.AddColumn(name, c => c.RightAligned());
        }

        table.AddColumn("duration", c => c.RightAligned());
        table.AddColumn("error");
        foreach (var source in run.Sources)
        {
            var failed = source.Status == SourceSyncStatus.Failed;
            table.AddRow(
                CliConsole.Cell(source.Source),
                new Markup(failed ? "[red]failed[/]" : "[green]ok[/]"),
                CliConsole.Cell(Count(source.Added)),
                CliConsole.Cell(Count(source.Updated)),
                CliConsole.Cell(Count(source.Unchanged)),
                CliConsole.Cell(Count(source.Removed)),
                CliConsole.Cell(Duration(source.Duration)),
                CliConsole.Cell(Summary(source.Error, console.IsTerminal ? Math.Max(20, console.Ansi.Profile.Width - 80) : int.MaxValue)));
        }

        console.Ansi.Write(table);
        var failures = run.Sources.Where(s => s.Status == SourceSyncStatus.Failed).ToList();
        console.Out.WriteLine(failures.Count == 0
            ? $"Synced {run.Sources.Count} source(s) in {Duration(run.Duration)}."
            : $"{failures.Count} of {run.Sources.Count} source(s) failed; their previous cache state is kept.");

        // The table shows the first line; the whole message (every refused package) goes to stderr.
        foreach (var failure in failures)
        {
            console.Error.WriteLine($"error: {failure.Error}");
        }
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Duration(TimeSpan duration) => duration.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.0}s")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0}ms");

    /// <summary>The first line of an error, cut to fit a terminal row beside the counts; the whole error goes to stderr.</summary>
    private static string Summary(string? text, int width)
    {
        var line = text is null ? string.Empty : text.Split('\n', 2)[0].TrimEnd('\r', ':');
        return line.Length <= width ? line : line[..(width - 1)] + "…";
    }

    /// <summary>Moves each source's bar as the runner reports; called on the runner's thread, which Spectre's tasks allow.</summary>
    private sealed class ProgressBars(IReadOnlyDictionary<string, ProgressTask> tasks) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value)
        {
            if (!tasks.TryGetValue(value.Source, out var task))
            {
                return;
            }

            var name = Markup.Escape(value.Source);
            switch (value.Stage)
            {
                case SyncStage.Listing:
                    task.IsIndeterminate = true;
                    task.Description = $"{name} [grey]listing[/]";
                    break;
                case SyncStage.Fetching:
                    task.IsIndeterminate = false;
                    task.MaxValue = Math.Max(1, value.Total);
                    task.Value = value.Completed;
                    task.Description = $"{name} [grey]fetching {value.Completed}/{value.Total}[/]";
                    break;
                case SyncStage.Committing:
                    task.IsIndeterminate = false;
                    task.Description = $"{name} [grey]committing[/]";
                    break;
                case SyncStage.Succeeded:
                    task.IsIndeterminate = false;
                    task.Value = task.MaxValue;
                    task.Description = $"{name} [green]ok[/]";
                    task.StopTask();
                    break;
                case SyncStage.Failed:
                    task.IsIndeterminate = false;
                    task.Description = $"{name} [red]failed[/]";
                    task.StopTask();
                    break;
            }
        }
    }
}

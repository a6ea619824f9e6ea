using System.CommandLine;
using Plugboard.Cli.Configuration;
using Plugboard.Cli.Console;
using Plugboard.Sources.Cache;
using Spectre.Console;

namespace Plugboard.Cli.Cache;

/// <summary><c>plugboard cache list|gc</c>: what the cache holds, and removing what nothing references.</summary>
internal static class CacheCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("cache", "Inspect and clean the local package cache.");
        command.Add(List(context));
        command.Add(CollectGarbage(context));
        return command;
    }

    private static Command List(CliContext context)
    {
        var config = CliContext.ConfigOption();
        var json = CliContext.JsonOption();
        var command = new Command("list", "List the cached plugins: source, set, id, version, digest and signing key.") { config, json };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.LoadForCache(parse.GetValue(config), context.Environment);
            using var loggerFactory = StderrLoggerProvider.CreateFactory(context.Console, parse.GetValue(context.Verbose));
            using var sources = SourcesRuntime.Create(configuration, loggerFactory);
            var cache = sources.Cache;
            var index = await cache.ReadIndexAsync(cancellationToken);
            var entries = index.Entries.OrderBy(e => e.Id, StringComparer.Ordinal).ThenBy(e => e.Source, StringComparer.OrdinalIgnoreCase).ThenBy(e => e.Version, StringComparer.Ordinal).ToList();
            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new
                {
                    cacheDirectory = cache.CacheDirectory,
                    sources = index.Sources.Select(s => new { name = s.Name, syncedAt = s.SyncedAt, revision = s.Revision }),
                    plugins = entries.Select(e => new
                    {
                        id = e.Id,
                        version = e.Version,
                        digest = e.Digest,
                        source = e.Source,
                        set = e.Set,
                        origin = e.Origin,
                        signatureKeyId = e.SignatureKeyId,
                        directory = cache.PluginDirectoryFor(e.Id, e.Version, e.PackageDigest),
                    }),
                });
                return ExitCodes.Success;
            }

            if (entries.Count == 0)
            {
                context.Console.Out.WriteLine($"The cache '{cache.CacheDirectory}' holds no plugins. Run 'plugboard sync' to fill it.");
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded);
            foreach (var column in new[] { "plugin", "version", "source", "set", "digest", "signed by" })
            {
                table.AddColumn(column);
            }

            foreach (var entry in entries)
            {
                table.AddRow(
                    CliConsole.Cell(entry.Id), CliConsole.Cell(entry.Version), CliConsole.Cell(entry.Source), CliConsole.Cell(string.IsNullOrEmpty(entry.Set) ? "." : entry.Set),
                    CliConsole.Cell(entry.Digest[..Math.Min(entry.Digest.Length, 19)]), CliConsole.Cell(entry.SignatureKeyId ?? "-"));
            }

            context.Console.Ansi.Write(table);
            context.Console.Out.WriteLine($"{entries.Count} plugin version(s) from {index.Sources.Count} source(s) in {cache.CacheDirectory}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static Command CollectGarbage(CliContext context)
    {
        var config = CliContext.ConfigOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Only show what would be removed." };
        var json = CliContext.JsonOption();
        var command = new Command("gc", "Remove cached packages and extracted folders that no cache index entry references, and leftovers of interrupted syncs.")
        {
            config, dryRun, json,
        };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var configuration = CliConfiguration.LoadForCache(parse.GetValue(config), context.Environment);
            using var loggerFactory = StderrLoggerProvider.CreateFactory(context.Console, parse.GetValue(context.Verbose));
            using var sources = SourcesRuntime.Create(configuration, loggerFactory);
            var cache = sources.Cache;
            var dry = parse.GetValue(dryRun);
            var result = await cache.CollectGarbageAsync(dry, cancellationToken);
            IReadOnlyList<string> items = dry ? result.Items.Select(item => Describe(item, cache.CacheDirectory)).ToList() : [];

            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new
                {
                    dryRun = dry,
                    cacheDirectory = cache.CacheDirectory,
                    blobsRemoved = result.BlobsRemoved,
                    pluginDirectoriesRemoved = result.PluginDirectoriesRemoved,
                    bytesFreed = result.BytesFreed,
                    items = dry ? items : null,
                });
                return ExitCodes.Success;
            }

            var output = context.Console.Out;
            foreach (var item in items)
            {
                output.WriteLine($"  would remove {item}");
            }

            output.WriteLine(dry
                ? $"Would remove {result.BlobsRemoved} package(s) ({Sizes.Format(result.BytesFreed)}) and {result.PluginDirectoriesRemoved} extracted folder(s) from {cache.CacheDirectory}. Run without --dry-run to remove them."
                : $"Removed {result.BlobsRemoved} package(s) ({Sizes.Format(result.BytesFreed)}) and {result.PluginDirectoriesRemoved} extracted folder(s) from {cache.CacheDirectory}.");
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>One line of <c>cache gc --dry-run</c>: the kind, then the digest or the path relative to the cache folder.</summary>
    private static string Describe(GarbageItem item, string cacheDirectory) => item.Kind switch
    {
        GarbageKind.Package => $"package {item.Location}",
        GarbageKind.PluginDirectory => $"folder {Path.GetRelativePath(cacheDirectory, item.Location)}",
        GarbageKind.InterruptedWrite => $"interrupted write {Path.GetRelativePath(cacheDirectory, item.Location)}",
        _ => $"sync leftover {Path.GetRelativePath(cacheDirectory, item.Location)}",
    };
}

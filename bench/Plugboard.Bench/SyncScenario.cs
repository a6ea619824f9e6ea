using System.Diagnostics;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Sync;

namespace Plugboard.Bench;

/// <summary>
/// Sync of a source holding many packages: a full sync into an empty cache, a re-sync with nothing
/// changed and a re-sync after one plugin changed, each as a ratio of the full sync of the same run.
/// </summary>
internal static class SyncScenario
{
    private const string Name = "sync";

    public static async Task RunAsync(string workDirectory, int packages)
    {
        var root = Path.Combine(workDirectory, "sync");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        var folder = Path.Combine(root, "source");
        WritePlugins(folder, packages);
        await MeasureAsync("fs", root, folder, packages, new SourceOptions { Name = "bench-fs", Type = "fs", Path = folder, Sets = [new PluginSetOptions()] }, commit: null);

        var repository = Path.Combine(root, "repository");
        WritePlugins(repository, packages);
        Git(repository, "init", "-q", "-b", "main");
        Git(repository, "add", "-A");
        Git(repository, "commit", "-q", "-m", "plugins");
        await MeasureAsync("git", root, repository, packages, new SourceOptions
        {
            Name = "bench-git",
            Type = "git",
            Url = "file://" + repository,
            AllowLocalPaths = true,
            Ref = "main",
            Sets = [new PluginSetOptions()],
        }, commit: () =>
        {
            Git(repository, "add", "-A");
            Git(repository, "commit", "-q", "-m", "one plugin changed");
        });
    }

    private static async Task MeasureAsync(string kind, string root, string folder, int packages, SourceOptions source, Action? commit)
    {
        var options = new PlugboardSourcesOptions { CacheDirectory = Path.Combine(root, "cache-" + kind), Sources = [source] };

        var full = await TimeAsync(options, packages);
        var unchanged = await TimeAsync(options, 0);

        // A new version of one plugin: the same id with new bytes would be refused by the lock.
        var changed = Path.Combine(folder, "custom-sync-0007");
        File.WriteAllText(Path.Combine(changed, "plugin.yaml"), Manifest("custom-sync-0007", "1.0.1"));
        File.AppendAllText(Path.Combine(changed, "payload.bin"), "changed");
        commit?.Invoke();
        var one = await TimeAsync(options, 1);

        Figure.Print(Name, $"{kind}_packages", packages, "count");
        Figure.Print(Name, $"{kind}_full_sync_ms", full, "ms");
        Figure.Print(Name, $"{kind}_resync_unchanged_ms", unchanged, "ms");
        Figure.Print(Name, $"{kind}_resync_one_changed_ms", one, "ms");
        Figure.Print(Name, $"{kind}_resync_unchanged_ratio", unchanged / full, "ratio");
        Figure.Print(Name, $"{kind}_resync_one_changed_ratio", one / full, "ratio");
    }

    /// <summary>Runs one sync and checks it fetched what it should have.</summary>
    private static async Task<double> TimeAsync(PlugboardSourcesOptions options, int expectedFetches)
    {
        var runner = SyncRunner.Create(options);
        var stopwatch = Stopwatch.StartNew();
        var run = await runner.SyncAsync();
        stopwatch.Stop();
        var result = run.Sources.Single();
        if (!run.Succeeded || result.PackagesFetched != expectedFetches)
        {
            throw new InvalidOperationException($"sync of {result.Source}: {result.Status}, fetched {result.PackagesFetched} (expected {expectedFetches}); {result.Error}");
        }

        return stopwatch.Elapsed.TotalMilliseconds;
    }

    private static void WritePlugins(string folder, int count)
    {
        var random = new Random(42);
        for (var i = 0; i < count; i++)
        {
            var id = $"custom-sync-{i:D4}";
            var plugin = Path.Combine(folder, id);
            Directory.CreateDirectory(plugin);
            File.WriteAllText(Path.Combine(plugin, "plugin.yaml"), Manifest(id, "1.0.0"));
            var payload = new byte[16 * 1024];
            random.NextBytes(payload);
            File.WriteAllBytes(Path.Combine(plugin, "payload.bin"), payload);
            File.WriteAllText(Path.Combine(plugin, "Plugin.dll"), $"stand-in entry of {id}");
        }
    }

    private static string Manifest(string id, string version) => $"""
        id: {id}
        version: {version}
        contracts:
          - name: bench.calculator
            version: ^1.0
        runtime: assembly
        entry: Plugin.dll
        """;

    private static void Git(string directory, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var (key, value) in new[] { ("GIT_AUTHOR_NAME", "bench"), ("GIT_AUTHOR_EMAIL", "bench@localhost"), ("GIT_COMMITTER_NAME", "bench"), ("GIT_COMMITTER_EMAIL", "bench@localhost") })
        {
            start.Environment[key] = value;
        }

        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
        }
    }
}

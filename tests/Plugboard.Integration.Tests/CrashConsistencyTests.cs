using System.Text.Json;
using Plugboard.Integration.Tests.Fixtures;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Xunit.Abstractions;

namespace Plugboard.Integration.Tests;

/// <summary>
/// A <c>plugboard sync</c> or <c>plugboard cache gc</c> process killed with SIGKILL — no finally block, no clean-up, as
/// the OOM killer or <c>kill -9</c> would (what it wrote stays in the page cache; power loss is not simulated) — leaves a
/// cache a host can load, and the next unkilled run completes. Real processes over a real <c>fs</c> source of generated plugins; each kill lands at a moment chosen by
/// watching the cache on disk (packing, storing packages, extracting, writing the lock, replacing the index, deleting).
/// </summary>
public sealed class CrashConsistencyTests : IDisposable
{
    private const int PluginCount = 150;

    private readonly TempFolder _folder = new();
    private readonly ITestOutputHelper _output;
    private readonly GeneratedPluginSource _source;
    private readonly PlugboardSourcesOptions _options;
    private readonly string _config;
    private readonly PlugboardCommand _plugboard;
    private readonly CacheProbe _probe;

    public CrashConsistencyTests(ITestOutputHelper output)
    {
        _output = output;
        _source = new GeneratedPluginSource(_folder.Combine("source"), PluginCount);
        _options = new PlugboardSourcesOptions
        {
            CacheDirectory = _folder.Combine("cache"),
            Sources = [new SourceOptions { Name = "local", Type = "fs", Path = _source.Root }],
        };

        // The operator's configuration file; the CLI reads paths in it relative to the file.
        _config = _folder.Combine("plugboard.json");
        File.WriteAllText(_config, """
            { "Plugboard": { "Sources": { "CacheDirectory": "cache", "Sources": [ { "Name": "local", "Type": "fs", "Path": "source" } ] } } }
            """);
        _plugboard = new PlugboardCommand(_folder.Combine("home"));
        _probe = new CacheProbe(_options.CacheDirectory);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_sync_killed_at_any_moment_leaves_a_loadable_cache_and_the_next_sync_takes_the_newest_versions()
    {
        var first = await SyncAsync();
        var committed = CacheInvariants.VersionsOf(await CacheInvariants.AssertLoadableAsync(_options, "after the first sync"));
        Assert.True(Same(_source.Versions, committed), Differences(committed, _source.Versions));

        // Each round publishes new versions of two plugins in three, then kills the sync at one of these moments.
        var moments = new Moment[]
        {
            new("while packing the changed plugins", _ => _ => _probe.PackagesBeingFetched() >= 10),
            new("after storing its first package", round => _ => _probe.Blobs() >= round.Blobs + 1),
            new("halfway through storing packages", round => _ => _probe.Blobs() >= round.Blobs + (round.Changed.Count / 2)),
            new("as extraction starts", round => _ => _probe.Blobs() >= round.Blobs + round.Changed.Count),
            new("halfway through extraction", round => _ => _probe.IsExtracting(round.Changed[round.Changed.Count / 2])),
            new("while writing the lock", round => _ => _probe.Stamp(_options.ResolvedLockFile) != round.Lock, ".plugboard.lock.*.tmp"),
            new("while replacing the index", round => _ => _probe.Stamp(_probe.IndexFile) != round.Index, ".index.json.*.tmp"),
            new("after 40% of the first sync's time", _ => elapsed => elapsed >= first.Elapsed * 0.4),
        };

        var killed = 0;
        for (var r = 0; r < moments.Length; r++)
        {
            var changed = Enumerable.Range(0, PluginCount).Where(i => (i + r) % 3 != 0)
                .Select(i => (Id: GeneratedPluginSource.IdOf(i), Version: _source.Bump(i))).ToList();
            var (name, killWhen, onCreated) = moments[r];
            var round = new Round(changed, _probe.Blobs(), _probe.Stamp(_options.ResolvedLockFile), _probe.Stamp(_probe.IndexFile));

            var outcome = await _plugboard.RunAsync(
                ["sync", "--config", _config, "--json"], killWhen(round), onCreated is null ? null : (_options.CacheDirectory, onCreated));

            Assert.True(outcome.Killed || outcome.ExitCode == 0, $"A sync to be killed {name} failed on its own: {outcome}");
            killed += outcome.Killed ? 1 : 0;
            var index = await CacheInvariants.AssertLoadableAsync(_options, $"after a sync killed {name}");

            // A source is committed whole or not at all: the index has every new version, or none.
            var versions = CacheInvariants.VersionsOf(index);
            _output.WriteLine($"round {r + 1}, kill {name}: {(outcome.Killed ? "killed" : "finished first")}, the index {(Same(versions, committed) ? "kept the previous state" : "has the new versions")}");
            Assert.True(
                Same(versions, committed) || Same(versions, _source.Versions),
                $"After a sync killed {name}, the index is neither the last committed state nor the source's: {Differences(committed, versions)}");
            committed = versions;
        }

        Assert.True(killed > 0, "Every sync finished before its kill; nothing was tested.");
        var final = await SyncAsync();
        Assert.True(JsonDocument.Parse(final.Output).RootElement.GetProperty("succeeded").GetBoolean(), final.Outcome.ToString());
        var synced = CacheInvariants.VersionsOf(await CacheInvariants.AssertLoadableAsync(_options, "after the sync that followed the kills"));
        Assert.True(Same(_source.Versions, synced), Differences(synced, _source.Versions));
        var work = Path.Combine(_options.CacheDirectory, "tmp");
        Assert.True(!Directory.Exists(work) || !Directory.EnumerateDirectories(work).Any(), $"The killed syncs' work folders are still in {work}.");

        // What the killed syncs left (fetched packages, half-written files, staging folders) is garbage gc removes.
        var gc = await _plugboard.RunAsync("cache", "gc", "--config", _config);
        Assert.True(gc.ExitCode == 0, gc.ToString());
        await AssertCleanAsync();
    }

    [Fact]
    public async Task A_garbage_collection_killed_midway_leaves_no_partial_plugin_folder_that_a_roll_back_would_load()
    {
        // Four releases of every plugin: the first three become garbage (450 packages and as many folders).
        await SyncAsync();
        for (var release = 0; release < 3; release++)
        {
            for (var i = 0; i < PluginCount; i++)
            {
                _source.Bump(i);
            }

            await SyncAsync();
        }

        // Blobs go first, then folders in directory order: kill three collections, once a quarter, a half and three
        // quarters of the plugins lost their old folders. Each kill most likely lands inside the deletion of some folder.
        var plugins = Directory.EnumerateDirectories(Path.Combine(_options.CacheDirectory, "plugins")).ToList();
        CacheIndex index = CacheIndex.Empty;
        var killed = 0;
        for (var quarter = 1; quarter <= 3; quarter++)
        {
            var watched = plugins[plugins.Count * quarter / 4];
            var before = Directory.EnumerateDirectories(watched).Count();
            var outcome = await _plugboard.RunAsync(["cache", "gc", "--config", _config], _ => Directory.EnumerateDirectories(watched).Count() < before);

            _output.WriteLine($"gc {quarter}: {(outcome.Killed ? "killed" : "finished first")}");
            Assert.True(outcome.Killed || outcome.ExitCode == 0, $"A gc to be killed failed on its own: {outcome}");
            killed += outcome.Killed ? 1 : 0;
            index = await CacheInvariants.AssertLoadableAsync(_options, $"after a gc killed {quarter}/4 of the way");
            Assert.True(Same(_source.Versions, CacheInvariants.VersionsOf(index)), Differences(CacheInvariants.VersionsOf(index), _source.Versions));
        }

        Assert.True(killed > 0, "Every gc finished before its kill; nothing was tested.");

        // The publisher rolls every plugin back to an old release the cache still has a folder of: the one gc touched
        // last (it changes a folder's time as it deletes in it), so a folder cut short by the kill is the one reused.
        var rolledBack = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pluginFolder in plugins.Where(Directory.Exists))
        {
            var id = Path.GetFileName(pluginFolder);
            var current = index.Entries.Single(e => e.Id == id);
            var old = Directory.EnumerateDirectories(pluginFolder)
                .Where(d => !Path.GetFileName(d).StartsWith('.') && Path.GetFileName(d) != $"{current.Version}-{current.PackageDigest.Hex[..12]}")
                .OrderByDescending(Directory.GetLastWriteTimeUtc)
                .FirstOrDefault();
            if (old is not null)
            {
                var name = Path.GetFileName(old);
                var version = name[..name.IndexOf('-', StringComparison.Ordinal)];
                _source.Publish(GeneratedPluginSource.IndexOf(id), int.Parse(version.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture));
                rolledBack[id] = name;
            }
        }

        await SyncAsync();
        index = await CacheInvariants.AssertLoadableAsync(_options, "after rolling back to releases a killed gc was deleting");
        Assert.True(Same(_source.Versions, CacheInvariants.VersionsOf(index)), Differences(CacheInvariants.VersionsOf(index), _source.Versions));
        foreach (var (id, folder) in rolledBack)
        {
            // Packing is deterministic, so the rolled-back release is the very package of the folder kept in the cache.
            var entry = index.Entries.Single(e => e.Id == id);
            Assert.Equal(folder, $"{entry.Version}-{entry.PackageDigest.Hex[..12]}");
        }

        var gc = await _plugboard.RunAsync("cache", "gc", "--config", _config);
        Assert.True(gc.ExitCode == 0, gc.ToString());
        await AssertCleanAsync();
    }

    private async Task<(CommandOutcome Outcome, TimeSpan Elapsed, string Output)> SyncAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcome = await _plugboard.RunAsync("sync", "--config", _config, "--json");
        Assert.True(outcome.ExitCode == 0, $"plugboard sync failed: {outcome}");
        return (outcome, clock.Elapsed, outcome.Output);
    }

    /// <summary>After a gc: only what the index references, and nothing half-written or staged.</summary>
    private async Task AssertCleanAsync()
    {
        var index = await CacheInvariants.AssertLoadableAsync(_options, "after gc");
        var cache = new CacheStore(_options.CacheDirectory);
        var leftovers = Directory.EnumerateFileSystemEntries(cache.CacheDirectory, "*", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(cache.CacheDirectory, p))
            .Where(p => p.EndsWith(".tmp", StringComparison.Ordinal) || p.Contains(".extracting-", StringComparison.Ordinal) || p == "tmp" || p.StartsWith("tmp" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToList();
        Assert.True(leftovers.Count == 0, $"gc left: {string.Join(", ", leftovers)}");

        var referenced = index.Entries.Select(e => e.PackageDigest.Hex).ToHashSet(StringComparer.Ordinal);
        var blobs = Directory.EnumerateFiles(Path.Combine(cache.CacheDirectory, "blobs", "sha256")).Select(Path.GetFileNameWithoutExtension).ToList();
        Assert.Equal(referenced.Order(StringComparer.Ordinal), blobs.Order(StringComparer.Ordinal));
        var folders = Directory.EnumerateDirectories(cache.PluginsDirectory).SelectMany(Directory.EnumerateDirectories)
            .Select(d => Path.GetRelativePath(cache.PluginsDirectory, d).Replace(Path.DirectorySeparatorChar, '/'));
        Assert.Equal(
            index.Entries.Select(e => $"{e.Id}/{e.Version}-{e.PackageDigest.Hex[..12]}").Order(StringComparer.Ordinal),
            folders.Order(StringComparer.Ordinal));
    }

    private static bool Same(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b)
        => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var version) && version == p.Value);

    private static string Differences(IReadOnlyDictionary<string, string> from, IReadOnlyDictionary<string, string> to)
        => string.Join(", ", to.Keys.Union(from.Keys).Where(id => from.GetValueOrDefault(id) != to.GetValueOrDefault(id)).Order(StringComparer.Ordinal).Take(10)
            .Select(id => $"{id} {from.GetValueOrDefault(id) ?? "-"} -> {to.GetValueOrDefault(id) ?? "-"}"));

    /// <summary>When to kill a sync: once <paramref name="KillWhen"/> holds, or a file named like <paramref name="OnCreated"/> appears in the cache folder.</summary>
    private sealed record Moment(string Name, Func<Round, Func<TimeSpan, bool>> KillWhen, string? OnCreated = null);

    /// <summary>What a round changed, and the cache as it was before its sync started.</summary>
    private sealed record Round(IReadOnlyList<(string Id, string Version)> Changed, int Blobs, FileStamp Lock, FileStamp Index);

    private readonly record struct FileStamp(long Length, DateTime LastWrite);

    /// <summary>Cheap looks at the cache on disk, made about every millisecond while a sync runs, to time a kill.</summary>
    private sealed class CacheProbe(string cacheDirectory)
    {
        public string IndexFile { get; } = Path.Combine(cacheDirectory, "index.json");

        /// <summary>Packages stored (a half-written one has a temporary name).</summary>
        public int Blobs() => Directory.Exists(Path.Combine(cacheDirectory, "blobs", "sha256"))
            ? Directory.EnumerateFiles(Path.Combine(cacheDirectory, "blobs", "sha256"), "*.pbpkg").Count()
            : 0;

        /// <summary>Packages the running sync has started packing into its work folder.</summary>
        public int PackagesBeingFetched() => Directory.Exists(Path.Combine(cacheDirectory, "tmp"))
            ? Directory.EnumerateDirectories(Path.Combine(cacheDirectory, "tmp"))
                .SelectMany(run => Directory.EnumerateDirectories(run))
                .Select(source => Path.Combine(source, "packages"))
                .Where(Directory.Exists)
                .Sum(packages => Directory.EnumerateDirectories(packages).Count())
            : 0;

        /// <summary>Whether the folder of <paramref name="plugin"/> at its new version is being extracted or is extracted.</summary>
        public bool IsExtracting((string Id, string Version) plugin)
            => Directory.EnumerateDirectories(Path.Combine(cacheDirectory, "plugins", plugin.Id))
                .Any(d => Path.GetFileName(d).TrimStart('.').StartsWith(plugin.Version + "-", StringComparison.Ordinal));

        public FileStamp Stamp(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new FileStamp(info.Length, info.LastWriteTimeUtc) : default;
        }
    }
}

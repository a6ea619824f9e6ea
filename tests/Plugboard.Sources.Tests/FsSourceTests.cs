using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

public sealed class FsSourceTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task First_sync_packs_plugin_folders_and_takes_packages_ready_to_load()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        await TestPlugins.WritePackageAsync(folder, "custom-beta", "2.1.0");
        _ws.AddSource("local", "fs", folder);

        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(2, run["local"].Added);
        var plugins = await _ws.ResolveAsync();
        Assert.Equal(["custom-alpha", "custom-beta"], plugins.Select(p => p.Id));
        Assert.All(plugins, p => Assert.True(File.Exists(Path.Combine(p.Directory, "plugin.yaml"))));
        Assert.Equal("2.1.0", plugins[1].Version.ToFullString());
    }

    [Fact]
    public async Task Unchanged_resync_fetches_and_packs_nothing()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        await TestPlugins.WritePackageAsync(folder, "custom-beta", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());

        var again = await _ws.SyncAsync();

        Workspace.AssertOk(again);
        Assert.Equal(0, again["local"].PackagesFetched);
        Assert.Equal(2, again["local"].Unchanged);
        Assert.Equal(0, again["local"].Added + again["local"].Updated + again["local"].Removed);
    }

    [Fact]
    public async Task A_changed_folder_is_packed_again_alone()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        TestPlugins.WriteFolder(folder, "custom-beta", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());

        TestPlugins.WriteFolder(folder, "custom-beta", "1.1.0", content: "two");
        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(1, run["local"].PackagesFetched);
        Assert.Equal(1, run["local"].Updated);
        Assert.Equal(1, run["local"].Unchanged);
        Assert.Equal("1.1.0", (await _ws.ResolveAsync()).Single(p => p.Id == "custom-beta").Version.ToFullString());
    }

    [Fact]
    public async Task Packing_the_same_folder_twice_gives_the_same_digest()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());
        var first = (await _ws.ResolveAsync()).Single().Digest;

        File.SetLastWriteTimeUtc(Path.Combine(folder, "custom-alpha", "plugin.yaml"), DateTime.UtcNow.AddMinutes(-5));
        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(1, run["local"].PackagesFetched);
        Assert.Equal(1, run["local"].Unchanged);
        Assert.Equal(first, (await _ws.ResolveAsync()).Single().Digest);
    }

    [Fact]
    public async Task A_version_range_takes_the_highest_version_it_allows()
    {
        var folder = _ws.Folder("packages");
        foreach (var version in new[] { "1.0.0", "1.5.0", "2.0.0" })
        {
            await TestPlugins.WritePackageAsync(folder, "custom-alpha", version);
        }

        _ws.AddSource("local", "fs", folder, new PluginSetOptions { Version = "^1.0" });
        Workspace.AssertOk(await _ws.SyncAsync());

        var plugin = Assert.Single(await _ws.ResolveAsync());
        Assert.Equal("1.5.0", plugin.Version.ToFullString());
        Assert.False(Directory.Exists(_ws.Cache().PluginDirectoryFor("custom-alpha", "2.0.0", (await PackageDigest.ComputeFileAsync(Path.Combine(folder, "custom-alpha-2.0.0.pbpkg"))))));
    }

    [Fact]
    public async Task A_plugin_set_takes_only_the_plugins_it_names_from_its_sub_path()
    {
        var folder = _ws.Folder("repo");
        TestPlugins.WriteFolder(Path.Combine(folder, "team-a"), "custom-alpha", "1.0.0");
        TestPlugins.WriteFolder(Path.Combine(folder, "team-a"), "custom-beta", "1.0.0");
        TestPlugins.WriteFolder(Path.Combine(folder, "team-b"), "custom-gamma", "1.0.0");
        _ws.AddSource("local", "fs", folder, new PluginSetOptions { Path = "team-a", Plugins = ["custom-beta"] });

        Workspace.AssertOk(await _ws.SyncAsync());

        Assert.Equal(["custom-beta"], (await _ws.ResolveAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task A_folder_removed_from_the_source_leaves_the_cache_and_is_collected()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        var beta = TestPlugins.WriteFolder(folder, "custom-beta", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());
        var betaDirectory = (await _ws.ResolveAsync()).Single(p => p.Id == "custom-beta").Directory;

        Directory.Delete(beta, recursive: true);
        var run = await _ws.SyncAsync();
        var collected = await _ws.Cache().CollectGarbageAsync();

        Assert.Equal(1, run["local"].Removed);
        Assert.Equal(["custom-alpha"], (await _ws.ResolveAsync()).Select(p => p.Id));
        Assert.Equal(1, collected.BlobsRemoved);
        Assert.Equal(1, collected.PluginDirectoriesRemoved);
        Assert.False(Directory.Exists(betaDirectory));
    }

    [Fact]
    public async Task A_missing_folder_fails_the_source_with_its_path()
    {
        _ws.AddSource("local", "fs", _ws.Temp.Combine("nowhere"));

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["local"].Status);
        Assert.Contains("nowhere", run["local"].Error);
    }

    [Fact]
    public async Task Every_run_is_recorded_in_the_run_log()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        _ws.AddSource("broken", "fs", _ws.Temp.Combine("missing"));

        var first = await _ws.SyncAsync();
        var second = await _ws.SyncAsync();

        var runs = await SyncRunLog.ReadAsync(_ws.CacheDirectory);
        Assert.Equal([first.Id, second.Id], runs.Select(r => r.Id));
        Assert.Equal(SourceSyncStatus.Ok, runs[1]["local"].Status);
        Assert.Equal(SourceSyncStatus.Failed, runs[1]["broken"].Status);
        Assert.NotNull(runs[1]["broken"].Error);
    }
}

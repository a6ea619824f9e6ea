using Plugboard.Packaging;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

public sealed class CrashSafetyTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Theory]
    [InlineData("blobs")]
    [InlineData("extract")]
    [InlineData("lock")]
    [InlineData("index")]
    public async Task A_sync_stopped_at_any_commit_step_leaves_the_previous_state_loadable(string step)
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());
        var before = await _ws.ResolveAsync();

        TestPlugins.WriteFolder(folder, "custom-alpha", "2.0.0", content: "two");
        TestPlugins.WriteFolder(folder, "custom-beta", "1.0.0");
        // The step fails for real, through the cache's public seams: a blob store or index store whose writes fail, or a
        // lock file that cannot be written.
        var blobs = new FailingBlobStore(new FileSystemBlobStore(Path.Combine(_ws.CacheDirectory, "blobs")), step);
        var index = new FailingIndexStore(new FileSystemCacheIndexStore(Path.Combine(_ws.CacheDirectory, "index.json")), step);
        if (step == "lock")
        {
            var file = Path.Combine(_ws.Temp.Path, "a-file");
            File.WriteAllText(file, "not a folder");
            _ws.Options.LockFile = Path.Combine(file, "plugboard.lock");
        }

        var runner = new SyncRunner(_ws.Options, new CacheStore(_ws.CacheDirectory, blobs, index), loggerFactory: _ws.Logs.CreateFactory());
        var run = await runner.SyncAsync();
        _ws.Options.LockFile = null;

        Assert.Equal(SourceSyncStatus.Failed, run["local"].Status);
        Assert.Equal(before, await _ws.ResolveAsync());

        var recovered = await _ws.SyncAsync();
        Workspace.AssertOk(recovered);
        Assert.Equal(["custom-alpha", "custom-beta"], (await _ws.ResolveAsync()).Select(p => p.Id));
        Assert.Equal("2.0.0", (await _ws.ResolveAsync())[0].Version.ToFullString());
    }

    [Fact]
    public async Task Leftovers_of_a_killed_process_do_not_disturb_loading_and_are_collected()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());
        var before = await _ws.ResolveAsync();

        // What a process killed mid-write leaves: a half index temp file, a half blob temp file, a half extraction, a tmp run folder.
        File.WriteAllText(Path.Combine(_ws.CacheDirectory, ".index.json.0123.tmp"), "{ \"format\": 1, \"sour");
        File.WriteAllText(Path.Combine(_ws.CacheDirectory, "blobs", "sha256", ".abc.pbpkg.0123.tmp"), "PK");
        Directory.CreateDirectory(Path.Combine(_ws.CacheDirectory, "plugins", "custom-alpha", ".2.0.0-abc.extracting-0123"));
        Directory.CreateDirectory(Path.Combine(_ws.CacheDirectory, "tmp", "run-1", "local"));

        Assert.Equal(before, await _ws.ResolveAsync());
        var collected = await _ws.Cache().CollectGarbageAsync();
        Assert.Equal(1, collected.PluginDirectoriesRemoved);
        Assert.False(Directory.Exists(Path.Combine(_ws.CacheDirectory, "tmp")));
        Assert.Equal(before, await _ws.ResolveAsync());
    }

    [Fact]
    public async Task A_garbage_collection_dry_run_lists_exactly_what_a_real_run_then_removes()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        var beta = TestPlugins.WriteFolder(folder, "custom-beta", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());
        Directory.Delete(beta, recursive: true);
        await _ws.SyncAsync();
        File.WriteAllText(Path.Combine(_ws.CacheDirectory, ".index.json.0123.tmp"), "{ \"format\": 1, \"sour");
        File.WriteAllText(Path.Combine(_ws.CacheDirectory, "blobs", "sha256", ".abc.pbpkg.0123.tmp"), "PK");
        Directory.CreateDirectory(Path.Combine(_ws.CacheDirectory, "plugins", "custom-alpha", ".2.0.0-abc.extracting-0123"));
        Directory.CreateDirectory(Path.Combine(_ws.CacheDirectory, "tmp", "run-1", "local"));
        var cache = _ws.Cache();
        var everything = Directory.GetFileSystemEntries(_ws.CacheDirectory, "*", SearchOption.AllDirectories).ToHashSet();

        var planned = await cache.CollectGarbageAsync(dryRun: true);
        var untouched = Directory.GetFileSystemEntries(_ws.CacheDirectory, "*", SearchOption.AllDirectories).ToHashSet();
        var collected = await cache.CollectGarbageAsync();
        var again = await cache.CollectGarbageAsync(dryRun: true);

        Assert.True(planned.DryRun);
        Assert.Equal(everything, untouched);
        Assert.Equal(
            [GarbageKind.Package, GarbageKind.PluginDirectory, GarbageKind.PluginDirectory, GarbageKind.InterruptedWrite, GarbageKind.InterruptedWrite, GarbageKind.SyncLeftover],
            planned.Items.Select(i => i.Kind));
        Assert.Equal(planned.Items, collected.Items);
        Assert.False(collected.DryRun);
        Assert.All(collected.Items.Where(i => i.Kind != GarbageKind.Package), i => Assert.False(Path.Exists(i.Location)));
        Assert.DoesNotContain(planned.Items.Single(i => i.Kind == GarbageKind.Package).Location, await ListBlobsAsync(cache));
        Assert.Empty(again.Items);
    }

    private static async Task<List<string>> ListBlobsAsync(CacheStore cache)
    {
        var digests = new List<string>();
        await foreach (var digest in cache.Blobs.ListAsync(CancellationToken.None))
        {
            digests.Add(digest.Value);
        }

        return digests;
    }

    [Fact]
    public async Task An_extracted_folder_deleted_by_hand_is_extracted_again_from_the_cache()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());
        var plugin = Assert.Single(await _ws.ResolveAsync());

        Directory.Delete(plugin.Directory, recursive: true);
        Directory.Delete(folder, recursive: true);

        var again = Assert.Single(await _ws.ResolveAsync());
        Assert.True(File.Exists(Path.Combine(again.Directory, "plugin.yaml")));
    }

    private sealed class FailingBlobStore(IBlobStore inner, string step) : IBlobStore
    {
        public Task<bool> ExistsAsync(PackageDigest digest, CancellationToken cancellationToken) => inner.ExistsAsync(digest, cancellationToken);

        public Task PutAsync(PackageDigest digest, string packagePath, CancellationToken cancellationToken)
            => step == "blobs" ? throw new IOException("power cut while storing blobs") : inner.PutAsync(digest, packagePath, cancellationToken);

        // Without a local path, extraction copies the blob out first, and that copy fails.
        public Task CopyToAsync(PackageDigest digest, string packagePath, CancellationToken cancellationToken)
            => step == "extract" ? throw new IOException("power cut while extracting") : inner.CopyToAsync(digest, packagePath, cancellationToken);

        public string? LocalPathOf(PackageDigest digest) => step == "extract" ? null : inner.LocalPathOf(digest);

        public IAsyncEnumerable<PackageDigest> ListAsync(CancellationToken cancellationToken) => inner.ListAsync(cancellationToken);

        public Task DeleteAsync(PackageDigest digest, CancellationToken cancellationToken) => inner.DeleteAsync(digest, cancellationToken);
    }

    private sealed class FailingIndexStore(ICacheIndexStore inner, string step) : ICacheIndexStore
    {
        public Task<CacheIndex> ReadAsync(CancellationToken cancellationToken) => inner.ReadAsync(cancellationToken);

        public Task WriteAsync(CacheIndex index, CancellationToken cancellationToken)
            => step == "index" ? throw new IOException("power cut while writing the index") : inner.WriteAsync(index, cancellationToken);
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.DependencyInjection;
using Plugboard.Sources.Resolution;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

public sealed class HostStartupTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_host_starting_with_every_network_source_down_loads_everything_from_the_cache()
    {
        var served = _ws.Folder("served");
        var repo = new GitRepo(Path.Combine(served, "plugins"));
        TestPlugins.WriteFolder(repo.Path, "custom-alpha", "1.0.0");
        repo.Commit("first");
        var feedRoot = _ws.Folder("feed");
        var info = await TestPlugins.WritePackageAsync(feedRoot, "custom-beta", "1.0.0");
        await File.WriteAllTextAsync(Path.Combine(feedRoot, "index.json"), new Sources.Http.HttpFeedIndex
        {
            Packages = [new() { Id = "custom-beta", Version = "1.0.0", Digest = info.Digest.Value, Url = Path.GetFileName(info.Path!) }],
        }.ToJson());
        using var certificates = TestCertificates.Create(_ws.Folder("certs"));

        using (var daemon = await GitDaemon.StartAsync(served))
        await using (var feed = await FeedServer.StartAsync(feedRoot, certificates.Server))
        {
            _ws.AddSource("repo", "git", daemon.UrlOf("plugins")).AllowInsecure = true;
            _ws.AddSource("feed", "http", feed.BaseUrl).CaBundle = certificates.CaPemPath;
            Workspace.AssertOk(await _ws.SyncAsync());
        }

        // Both servers are gone now. A new host process starts and syncs on start.
        var synced = new TaskCompletionSource<Sync.SyncRun>();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(_ws.Logs);
        builder.Services.AddPlugboardSources(options =>
        {
            options.CacheDirectory = _ws.Options.CacheDirectory;
            options.Sources = _ws.Options.Sources;
            options.SyncOnStart = true;
            options.SyncInterval = TimeSpan.Zero;
        });
        using var host = builder.Build();
        host.Services.GetRequiredService<SyncBackgroundService>().Synced += (_, run) => synced.TrySetResult(run);

        await host.StartAsync();
        var current = host.Services.GetRequiredService<CurrentPluginsDirectory>().Directory;
        var loadedAtStart = Directory.GetDirectories(current).Select(Path.GetFileName).Order().ToList();
        var run = await synced.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync();

        Assert.Equal(["custom-alpha", "custom-beta"], loadedAtStart);
        Assert.False(run.Succeeded);
        Assert.All(run.Sources, s => Assert.Equal(Sync.SourceSyncStatus.Failed, s.Status));
        Assert.True(File.Exists(Path.Combine(current, "custom-alpha", "plugin.yaml")));
        Assert.True(File.Exists(Path.Combine(current, "custom-beta", "plugin.yaml")));
    }

    [Fact]
    public async Task The_current_folder_replaces_only_plugins_whose_digest_changed()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        TestPlugins.WriteFolder(folder, "custom-beta", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());
        var current = new CurrentPluginsDirectory(_ws.Options.ResolvedCurrentDirectory);
        Assert.Equal(["custom-alpha", "custom-beta"], await current.UpdateAsync(await _ws.ResolveAsync()));
        var alphaMarker = Path.Combine(current.Directory, "custom-alpha", "lib", "custom-alpha.dll");
        var alphaWritten = File.GetLastWriteTimeUtc(alphaMarker);

        TestPlugins.WriteFolder(folder, "custom-beta", "2.0.0", content: "two");
        Directory.Delete(Path.Combine(folder, "custom-alpha"), recursive: true);
        TestPlugins.WriteFolder(folder, "custom-gamma", "1.0.0");
        Workspace.AssertOk(await _ws.SyncAsync());
        var changed = await current.UpdateAsync(await _ws.ResolveAsync());

        Assert.Equal(["custom-beta", "custom-gamma", "custom-alpha"], changed);
        Assert.Equal(["custom-beta", "custom-gamma"], Directory.GetDirectories(current.Directory).Select(Path.GetFileName).Order());
        Assert.Contains("version: 2.0.0", await File.ReadAllTextAsync(Path.Combine(current.Directory, "custom-beta", "plugin.yaml")));
        Assert.False(File.Exists(alphaMarker));
        Assert.True(alphaWritten > DateTime.MinValue);
        Assert.Empty(await current.UpdateAsync(await _ws.ResolveAsync()));
    }

    [Fact]
    public void The_sync_service_hosts_inject_is_the_one_the_host_runs()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddPlugboardSources(options => options.CacheDirectory = _ws.Options.CacheDirectory);
        using var host = builder.Build();

        var injected = host.Services.GetRequiredService<SyncBackgroundService>();

        Assert.Same(injected, Assert.Single(host.Services.GetServices<IHostedService>().OfType<SyncBackgroundService>()));
    }

    [Fact]
    public async Task The_background_loop_syncs_again_each_time_the_interval_passes_on_the_host_clock()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var runs = System.Threading.Channels.Channel.CreateUnbounded<Sync.SyncRun>();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddPlugboardSources(options =>
        {
            options.CacheDirectory = _ws.Options.CacheDirectory;
            options.Sources = [new SourceOptions { Name = "local", Type = "fs", Path = folder }];
            options.SyncOnStart = false;
            options.SyncInterval = TimeSpan.FromHours(1);
        });
        using var host = builder.Build();
        host.Services.GetRequiredService<SyncBackgroundService>().Synced += (_, run) => runs.Writer.TryWrite(run);
        await host.StartAsync();

        Assert.False(runs.Reader.TryRead(out _));
        time.Advance(TimeSpan.FromHours(1));
        var first = await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        TestPlugins.WriteFolder(folder, "custom-beta", "1.0.0");
        time.Advance(TimeSpan.FromHours(1));
        var second = await runs.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60));
        await host.StopAsync();

        Assert.Equal(1, first["local"].Added);
        Assert.Equal(1, second["local"].Added);
        Assert.Equal(1, second["local"].Unchanged);
        Assert.Equal(time.GetUtcNow(), second.StartedAt);
    }
}

using Fixture.Contracts;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting;
using Plugboard.Integration.Tests.Fixtures;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Resolution;
using Plugboard.Sources.Sync;

namespace Plugboard.Integration.Tests;

/// <summary>
/// Plugins published to git reach a running host: sync into the cache, the current view, the host's plugins
/// folder and its hot reload — with the real git daemon, the real cache and real compiled plugins.
/// </summary>
public sealed class RemoteLoadingTests : IAsyncLifetime
{
    private readonly PluginRepository _repository = new();
    private readonly LogCollector _logs = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly List<PluginHost> _hosts = [];

    public RemoteLoadingTests() => _loggerFactory = _logs.CreateFactory();

    public async Task InitializeAsync()
    {
        _repository.Publish(PublishedFixtures.ReloadV1, "reload");
        _repository.Publish(PublishedFixtures.Hello, "hello");
        await _repository.StartServingAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        _repository.Dispose();
        _loggerFactory.Dispose();
    }

    [Fact]
    public async Task A_plugin_published_to_git_is_synced_into_the_cache_and_loaded_by_a_host()
    {
        await SyncAsync();
        var (current, _) = await UpdateCurrentAsync();

        var host = await StartHostAsync(current);

        Assert.Equal(["custom-hello", "custom-reload"], host.Registry<IGreeter>().Ids.Order());
        Assert.Equal("v1 Ada", host.Registry<IGreeter>().Get("custom-reload").Greet("Ada"));
        Assert.Equal("Hello, Ada!", host.Registry<IGreeter>().Get("custom-hello").Greet("Ada"));
        Assert.Equal("1.0.0", host.GetStatus("custom-reload")!.Version);
    }

    [Fact]
    public async Task A_running_host_answers_with_the_version_pushed_after_the_next_sync()
    {
        await SyncAsync();
        var (current, _) = await UpdateCurrentAsync();
        var host = await StartHostAsync(current);
        var greeter = host.Registry<IGreeter>().Get("custom-reload");
        var replaced = new List<string>();
        host.Changed += (_, e) =>
        {
            if (e.Kind == PluginChangeKind.Replaced)
            {
                lock (replaced)
                {
                    replaced.Add(e.Id);
                }
            }
        };
        Assert.Equal("v1 Ada", greeter.Greet("Ada"));

        _repository.Publish(PublishedFixtures.ReloadV2, "reload");
        var run = await SyncAsync();
        var (_, changed) = await UpdateCurrentAsync();

        Assert.Equal(1, run.Sources.Single().Updated);
        Assert.Equal(["custom-reload"], changed);
        await Eventually.HoldsAsync(
            () => host.GetStatus("custom-reload") is { IsActive: true, Version: "2.0.0" },
            () => $"custom-reload is {host.GetStatus("custom-reload")}{Environment.NewLine}{_logs}");
        Assert.Equal("v2 Ada", greeter.Greet("Ada"));
        Assert.Equal("Hello, Ada!", host.Registry<IGreeter>().Get("custom-hello").Greet("Ada"));
        lock (replaced)
        {
            Assert.DoesNotContain("custom-hello", replaced);
        }
    }

    [Fact]
    public async Task A_plugin_removed_from_the_repository_is_unloaded_by_the_running_host_after_the_next_sync()
    {
        await SyncAsync();
        var (current, _) = await UpdateCurrentAsync();
        var host = await StartHostAsync(current);
        Assert.True(host.Registry<IGreeter>().Exists("custom-hello"));

        Directory.Delete(Path.Combine(_repository.Repo.Path, "plugins", "hello"), recursive: true);
        _repository.Repo.Commit("remove custom-hello");
        var run = await SyncAsync();
        var (_, changed) = await UpdateCurrentAsync();

        Assert.Equal(1, run.Sources.Single().Removed);
        Assert.Equal(["custom-hello"], changed);
        await Eventually.HoldsAsync(
            () => !host.Registry<IGreeter>().Exists("custom-hello"),
            () => $"custom-hello is {host.GetStatus("custom-hello")}{Environment.NewLine}{_logs}");
        Assert.Equal("v1 Ada", host.Registry<IGreeter>().Get("custom-reload").Greet("Ada"));
    }

    [Fact]
    public async Task With_the_git_server_stopped_a_new_host_loads_every_plugin_from_the_cache()
    {
        await SyncAsync();
        _repository.StopServing();

        var offline = await SyncAsync(expectOk: false);
        Assert.Equal(SourceSyncStatus.Failed, offline.Sources.Single().Status);
        // A host starting on a machine whose current view is gone builds it again from the cache alone.
        var (current, _) = await UpdateCurrentAsync(_repository.Combine("fresh-host", "plugins"));
        var host = await StartHostAsync(current);

        Assert.All(host.Statuses, s => Assert.True(s.IsActive, $"{s.Id}: {s.Phase} {s.Error}"));
        Assert.Equal(["custom-hello", "custom-reload"], host.Registry<IGreeter>().Ids.Order());
        Assert.Equal("v1 Ada", host.Registry<IGreeter>().Get("custom-reload").Greet("Ada"));
    }

    [Fact]
    public async Task A_retired_folder_left_in_the_current_view_by_an_interrupted_swap_is_never_loaded_and_is_cleared()
    {
        await SyncAsync();
        var (current, _) = await UpdateCurrentAsync();
        // What a swap killed between renaming the old folder aside and deleting it leaves behind.
        var leftover = Path.Combine(current, ".retired-custom-reload.0123456789abcdef");
        PublishedFixtures.CopyTo(PublishedFixtures.ReloadV2, leftover);

        var host = await StartHostAsync(current);

        Assert.Equal("1.0.0", host.GetStatus("custom-reload")!.Version);
        Assert.Equal("v1 Ada", host.Registry<IGreeter>().Get("custom-reload").Greet("Ada"));
        var (_, changed) = await UpdateCurrentAsync();
        Assert.Empty(changed);
        Assert.False(Directory.Exists(leftover));
    }

    private async Task<SyncRun> SyncAsync(bool expectOk = true)
    {
        var run = await SyncRunner.Create(_repository.SourcesOptions(), _loggerFactory).SyncAsync();
        if (expectOk)
        {
            Assert.True(run.Succeeded, $"sync failed: {string.Join("; ", run.Sources.Select(s => $"{s.Source}: {s.Error}"))}");
        }

        return run;
    }

    /// <summary>What the background service does after a sync: the current view from the cache, no network.</summary>
    private async Task<(string Directory, IReadOnlyList<string> Changed)> UpdateCurrentAsync(string? directory = null)
    {
        var options = _repository.SourcesOptions();
        var current = new CurrentPluginsDirectory(directory ?? options.ResolvedCurrentDirectory);
        var changed = await current.UpdateAsync(await new CachedPluginResolver(new CacheStore(options.CacheDirectory), options).ResolveAsync());
        return (current.Directory, changed);
    }

    private async Task<PluginHost> StartHostAsync(string pluginsDirectory)
    {
        var host = new PluginHost(
            new PlugboardOptions { PluginsDirectory = pluginsDirectory, WatchForChanges = true, ReloadDebounce = TimeSpan.FromMilliseconds(200) },
            _loggerFactory);
        _hosts.Add(host);
        host.AddContract<IGreeter>();
        await host.StartAsync();
        return host;
    }
}

using Fixture.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plugboard.Hosting;
using Plugboard.Integration.Tests.Fixtures;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.DependencyInjection;
using Plugboard.Sources.Sync;

namespace Plugboard.Integration.Tests;

/// <summary>
/// The documented set-up (docs/guides/operators.md): a generic host with <c>AddPlugboard(…).AddSources(…)</c>, the
/// sources bound from the <c>Plugboard:Sources</c> configuration section — remote loading in one call.
/// </summary>
public sealed class DependencyInjectionTests : IAsyncLifetime
{
    private readonly PluginRepository _repository = new();
    private readonly LogCollector _logs = new();

    public async Task InitializeAsync()
    {
        _repository.Publish(PublishedFixtures.ReloadV1, "reload");
        _repository.Publish(PublishedFixtures.Hello, "hello");
        await _repository.StartServingAsync();
    }

    public Task DisposeAsync()
    {
        _repository.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_host_syncs_on_start_loads_what_arrived_and_follows_a_later_sync()
    {
        using var app = BuildHost();
        var registry = app.Services.GetRequiredService<IPluginRegistry<IGreeter>>();
        var sync = app.Services.GetRequiredService<SyncBackgroundService>();

        // The cache is empty: the host starts with no plugin, the sync on start brings them, hot reload loads them.
        await app.StartAsync();
        await Eventually.HoldsAsync(
            () => registry.Exists("custom-reload") && registry.Exists("custom-hello"),
            () => $"active: [{string.Join(", ", registry.Ids)}]{Environment.NewLine}{_logs}");
        var greeter = registry.Get("custom-reload");
        Assert.Equal("v1 Ada", greeter.Greet("Ada"));

        _repository.Publish(PublishedFixtures.ReloadV2, "reload");
        var run = await sync.SyncNowAsync();

        Assert.True(run.Succeeded, string.Join("; ", run.Sources.Select(s => $"{s.Source}: {s.Error}")));
        await Eventually.HoldsAsync(
            () => registry.GetStatus("custom-reload") is { IsActive: true, Version: "2.0.0" },
            () => $"custom-reload is {registry.GetStatus("custom-reload")}{Environment.NewLine}{_logs}");
        Assert.Equal("v2 Ada", greeter.Greet("Ada"));
        await app.StopAsync();
    }

    [Fact]
    public async Task A_host_starting_with_the_source_unreachable_has_every_cached_plugin_active_once_started()
    {
        using (var first = BuildHost())
        {
            var firstSync = first.Services.GetRequiredService<SyncBackgroundService>();
            await first.StartAsync();
            Assert.True((await firstSync.SyncNowAsync()).Succeeded);
            await first.StopAsync();
        }

        _repository.StopServing();
        using var app = BuildHost();
        var registry = app.Services.GetRequiredService<IPluginRegistry<IGreeter>>();
        var sync = app.Services.GetRequiredService<SyncBackgroundService>();
        var syncedOnStart = new TaskCompletionSource<SyncRun>(TaskCreationOptions.RunContinuationsAsynchronously);
        sync.Synced += (_, run) => syncedOnStart.TrySetResult(run);

        await app.StartAsync();

        // No waiting: the current folder is built from the cache before the plugin host loads it.
        Assert.Equal(["custom-hello", "custom-reload"], registry.Ids.Order());
        Assert.Equal("v1 Ada", registry.Get("custom-reload").Greet("Ada"));
        var offline = await syncedOnStart.Task.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(SourceSyncStatus.Failed, offline.Sources.Single().Status);
        Assert.Equal(["custom-hello", "custom-reload"], registry.Ids.Order());
        await app.StopAsync();
    }

    [Fact]
    public async Task A_host_starting_with_every_source_down_is_ready_on_the_empty_cache_and_loads_the_plugins_after_the_first_sync()
    {
        var port = FreePort.Next();
        using var app = BuildHost($"git://127.0.0.1:{port}/plugins");
        var registry = app.Services.GetRequiredService<IPluginRegistry<IGreeter>>();
        var readiness = app.Services.GetRequiredService<RemotePluginsReadiness>();
        var sync = app.Services.GetRequiredService<SyncBackgroundService>();

        await app.StartAsync();
        await readiness.WaitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(SourceSyncStatus.Failed, readiness.SyncOnStart!.Sources.Single().Status);
        Assert.Empty(registry.Ids);

        using var daemon = await GitDaemon.StartAsync(Path.GetDirectoryName(_repository.Repo.Path)!, port);
        var run = await sync.SyncNowAsync();

        Assert.True(run.Succeeded, string.Join("; ", run.Sources.Select(s => $"{s.Source}: {s.Error}")));
        await Eventually.HoldsAsync(
            () => registry.Exists("custom-reload") && registry.Exists("custom-hello"),
            () => $"active: [{string.Join(", ", registry.Ids)}]{Environment.NewLine}{_logs}");
        Assert.Equal("v1 Ada", registry.Get("custom-reload").Greet("Ada"));
        Assert.Single(registry.GetStatus("custom-reload").Events, e => e.Phase == PluginPhase.Active); // taken up once, not again by the watcher
        await app.StopAsync();
    }

    private IHost BuildHost(string? url = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = _repository.Combine(),
            EnvironmentName = Environments.Production,
        });
        builder.Logging.ClearProviders().AddProvider(_logs).SetMinimumLevel(LogLevel.Debug);

        // What an appsettings.json would hold.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Plugboard:Sources:CacheDirectory"] = _repository.CacheDirectory,
            ["Plugboard:Sources:SyncInterval"] = "00:00:00",
            ["Plugboard:Sources:Sources:0:Name"] = "team",
            ["Plugboard:Sources:Sources:0:Type"] = "git",
            ["Plugboard:Sources:Sources:0:Url"] = url ?? _repository.Url,
            ["Plugboard:Sources:Sources:0:Ref"] = "main",
            ["Plugboard:Sources:Sources:0:AllowInsecure"] = "true",
            ["Plugboard:Sources:Sources:0:Sets:0:Path"] = "plugins",
            ["Plugboard:ReloadDebounce"] = "00:00:00.200",
        });

        builder.Services.AddPlugboard(builder.Configuration.GetSection("Plugboard"))
            .AddContract<IGreeter>()
            .AddSources(builder.Configuration.GetSection("Plugboard:Sources"));
        return builder.Build();
    }
}

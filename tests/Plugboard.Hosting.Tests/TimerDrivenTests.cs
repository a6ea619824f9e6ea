using Microsoft.Extensions.Time.Testing;

namespace Plugboard.Hosting.Tests;

/// <summary>The host's timers — the reload debounce and the drain timeout — run on its TimeProvider; these tests drive a fake one.</summary>
public sealed class TimerDrivenTests
{
    [Fact]
    public async Task A_changed_folder_is_reloaded_once_it_has_been_quiet_for_the_debounce_on_the_hosts_clock()
    {
        var time = new FakeTimeProvider();
        var debounce = TimeSpan.FromMinutes(10);
        await using var test = new TestHost(o =>
        {
            o.WatchForChanges = true;
            o.ReloadDebounce = debounce;
            o.RescanInterval = TimeSpan.Zero;
        }, time);
        var folder = test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        await test.StartAsync();

        var changedAt = time.GetUtcNow();
        PluginFolders.CopyFixture("Plugin.Reload.V2", folder);
        await Eventually.HoldsAsync(() => time.Advanced(TimeSpan.FromMinutes(1)) && test.Host.GetStatus("custom-reload")!.Version == "2.0.0");

        var activeAt = test.Host.GetStatus("custom-reload")!.Events.Last(e => e.Phase == PluginPhase.Active).Time;
        Assert.True(activeAt - changedAt >= debounce, $"reloaded {activeAt - changedAt} after the change, before the {debounce} debounce");
        Assert.Equal("v2 Ada", test.Greeters.Get("custom-reload").Greet("Ada"));
    }

    [Fact]
    public async Task A_removed_plugin_whose_calls_do_not_finish_is_disposed_once_the_drain_timeout_has_passed()
    {
        var time = new FakeTimeProvider();
        var drain = TimeSpan.FromSeconds(30);
        await using var test = new TestHost(o =>
        {
            o.DrainTimeout = drain;
            o.UnloadTimeout = TimeSpan.Zero; // the lease still references its instance: no need to wait for a collection
        }, time);
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();
        var lease = test.Greeters.Acquire("custom-hello");

        var unloading = test.Host.UnloadAsync("custom-hello");
        time.Advance(drain - TimeSpan.FromMilliseconds(1));
        Assert.False(unloading.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await unloading.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Contains(test.Logs.Entries, e => e.Message.StartsWith("1 call(s) still running on custom-hello 1.0.0 after 00:00:30; disposing it anyway", StringComparison.Ordinal));
        Assert.Equal(PluginPhase.Removed, test.Host.GetStatus("custom-hello")!.Phase);
        lease.Dispose();
    }
}

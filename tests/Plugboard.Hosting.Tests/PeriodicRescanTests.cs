using System.Collections.Concurrent;

namespace Plugboard.Hosting.Tests;

/// <summary>
/// The periodic rescan behind the file-system watcher: the host's watcher gets no events here (as when
/// the OS drops them), so whatever is reloaded was found by the rescan.
/// </summary>
public sealed class PeriodicRescanTests
{
    [Fact]
    public async Task A_change_the_watcher_missed_is_reloaded_by_the_rescan_and_unchanged_plugins_are_not()
    {
        await using var test = new TestHost(o =>
        {
            o.WatchForChanges = true;
            o.ReloadDebounce = TimeSpan.FromMilliseconds(100);
            o.RescanInterval = TimeSpan.FromMilliseconds(200);
        });
        test.Host.FileSystemEventsDisabled = true;
        var folder = test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();
        var changes = new ConcurrentQueue<PluginChangedEventArgs>();
        test.Host.Changed += (_, e) => changes.Enqueue(e);

        PluginFolders.CopyFixture("Plugin.Reload.V2", folder);
        await WaitUntilAsync(() => test.Host.GetStatus("custom-reload")!.Version == "2.0.0");
        var rescansAfterReload = test.Host.CompletedRescans;
        await WaitUntilAsync(() => test.Host.CompletedRescans >= rescansAfterReload + 3);

        Assert.Equal("v2 Ada", test.Greeters.Get("custom-reload").Greet("Ada"));
        Assert.Equal([("custom-reload", PluginChangeKind.Replaced)], changes.Select(e => (e.Id, e.Kind)));
    }

    [Fact]
    public async Task A_folder_removed_without_an_event_is_unloaded_by_the_rescan()
    {
        await using var test = new TestHost(o =>
        {
            o.WatchForChanges = true;
            o.ReloadDebounce = TimeSpan.FromMilliseconds(100);
            o.RescanInterval = TimeSpan.FromMilliseconds(200);
        });
        test.Host.FileSystemEventsDisabled = true;
        var folder = test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        Directory.Delete(folder, recursive: true);
        await WaitUntilAsync(() => !test.Greeters.Exists("custom-hello"));

        Assert.Throws<PluginNotAvailableException>(() => test.Greeters.Get("custom-hello").Greet("Ada"));
    }

    [Fact]
    public async Task A_zero_interval_turns_the_rescan_off()
    {
        await using var test = new TestHost(o =>
        {
            o.WatchForChanges = true;
            o.RescanInterval = TimeSpan.Zero;
        });
        test.Host.FileSystemEventsDisabled = true;
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        Assert.Equal(0, test.Host.CompletedRescans);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(100);
        }

        Assert.True(condition(), "the condition was not met within 60 s");
    }
}

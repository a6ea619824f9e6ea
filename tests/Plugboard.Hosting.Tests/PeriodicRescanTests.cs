using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace Plugboard.Hosting.Tests;

/// <summary>
/// The periodic rescan behind the file-system watcher. Each test swaps the plugins directory for another one
/// under the same path, as a deploy tool might: the watcher keeps watching the directory that moved away, so it
/// sees no event, and whatever is reloaded was found by the rescan. Time is a fake clock the tests advance.
/// </summary>
public sealed class PeriodicRescanTests
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_change_the_watcher_missed_is_reloaded_by_the_rescan_and_unchanged_plugins_are_not()
    {
        var time = new FakeTimeProvider();
        await using var test = new TestHost(Watching(Interval), time);
        test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();
        var changes = new ConcurrentQueue<PluginChangedEventArgs>();
        test.Host.Changed += (_, e) => changes.Enqueue(e);

        SwapPluginsDirectory(test, ("Plugin.Reload.V2", "reload"), ("Plugin.Hello", "Plugin.Hello"));
        time.Advance(Interval);
        await Eventually.HoldsAsync(() => time.Advanced(Debounce) && test.Host.GetStatus("custom-reload")!.Version == "2.0.0");
        time.Advance(Interval * 3);

        Assert.Equal("v2 Ada", test.Greeters.Get("custom-reload").Greet("Ada"));
        Assert.Equal([("custom-reload", PluginChangeKind.Replaced)], changes.Select(e => (e.Id, e.Kind)));
        Assert.Single(test.Logs.Entries.Select(e => e.Message), m => m.Contains("found", StringComparison.Ordinal) && m.Contains("changed without a file-system event", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_removed_without_an_event_is_unloaded_by_the_rescan()
    {
        var time = new FakeTimeProvider();
        await using var test = new TestHost(Watching(Interval), time);
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        SwapPluginsDirectory(test);
        time.Advance(Interval);
        await Eventually.HoldsAsync(() => time.Advanced(Debounce) && !test.Greeters.Exists("custom-hello"));

        Assert.Throws<PluginNotAvailableException>(() => test.Greeters.Get("custom-hello").Greet("Ada"));
    }

    [Fact]
    public async Task A_zero_interval_turns_the_rescan_off()
    {
        var time = new FakeTimeProvider();
        await using var test = new TestHost(Watching(TimeSpan.Zero), time);
        test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        await test.StartAsync();

        SwapPluginsDirectory(test, ("Plugin.Reload.V2", "reload"));
        time.Advance(TimeSpan.FromHours(1));

        // A rescan would have found the folder changed at once, on the advancing thread, and said so.
        Assert.DoesNotContain(test.Logs.Entries.Select(e => e.Message), m => m.Contains("changed without a file-system event", StringComparison.Ordinal));
        Assert.Equal("1.0.0", test.Host.GetStatus("custom-reload")!.Version);
    }

    private static Action<PlugboardOptions> Watching(TimeSpan rescanInterval) => o =>
    {
        o.WatchForChanges = true;
        o.ReloadDebounce = Debounce;
        o.RescanInterval = rescanInterval;
    };

    // Moves the watched directory away and puts a new one, with the given fixtures, under its path.
    private static void SwapPluginsDirectory(TestHost test, params (string Fixture, string Folder)[] plugins)
    {
        var staged = test.Folders.Root + ".staged";
        foreach (var (fixture, folder) in plugins)
        {
            PluginFolders.CopyFixture(fixture, Path.Combine(staged, folder));
        }

        Directory.CreateDirectory(staged);
        Directory.Move(test.Folders.Root, test.Folders.Root + ".moved");
        Directory.Move(staged, test.Folders.Root);
    }
}

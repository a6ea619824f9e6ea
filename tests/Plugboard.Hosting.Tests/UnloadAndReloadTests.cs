using System.Runtime.CompilerServices;
using System.Runtime.Loader;
using Fixture.Contracts;

namespace Plugboard.Hosting.Tests;

public sealed class UnloadAndReloadTests
{
    [Fact]
    public async Task Unloading_a_plugin_lets_its_load_context_be_collected()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Hello");
        test.Folders.Install("Plugin.Native");
        await test.StartAsync();
        Assert.Equal("Hello, Ada!", test.Greeters.Get("custom-hello").Greet("Ada"));
        var context = WeakContextOf(test.Greeters, "custom-hello");

        var collected = await test.Host.UnloadAsync("custom-hello");

        Assert.True(collected);
        Assert.False(await IsAliveAfterCollectionAsync(context));
        Assert.False(test.Greeters.Exists("custom-hello"));
        Assert.Equal(PluginPhase.Removed, test.Host.GetStatus("custom-hello")!.Phase);
        Assert.Throws<PluginNotAvailableException>(() => test.Greeters.Get("custom-hello").Greet("Ada"));
        Assert.True(test.Greeters.Exists("custom-native"));
    }

    [Fact]
    public async Task Plugins_unloaded_at_once_are_each_proven_collected_except_the_one_still_referenced()
    {
        await using var test = new TestHost(o => o.UnloadTimeout = TimeSpan.FromSeconds(1));
        test.Folders.Install("Plugin.Hello");
        test.Folders.Install("Plugin.Native");
        test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        test.Folders.Install("Plugin.TextV1");
        test.Folders.Install("Plugin.TextV2");
        string[] ids = ["custom-hello", "custom-native", "custom-reload", "custom-text-one", "custom-text-two"];
        await test.StartAsync();
        Assert.All(ids, id => Assert.True(test.Greeters.Exists(id)));
        IGreeter kept;
        using (var lease = test.Greeters.Acquire(ids[0]))
        {
            kept = lease.Instance; // the plugin's own object: keeps its load context alive through the unloads
        }

        var collected = await Task.WhenAll(ids.Select(id => test.Host.UnloadAsync(id)));

        Assert.False(collected[0]);
        Assert.All(collected.Skip(1), Assert.True);
        Assert.All(ids, id => Assert.False(test.Greeters.Exists(id)));
        GC.KeepAlive(kept);
    }

    [Fact]
    public async Task Unloading_a_plugin_with_a_native_library_removes_its_shadow_copy()
    {
        await using var test = new TestHost();
        test.Folders.Install("Plugin.Native");
        await test.StartAsync();
        test.Greeters.Get("custom-native").Greet("a");
        var shadowRoot = Path.Combine(Path.GetTempPath(), "plugboard-shadow");
        var mine = Directory.GetDirectories(shadowRoot, $"{Environment.ProcessId}-custom-native-*");
        Assert.NotEmpty(mine);

        Assert.True(await test.Host.UnloadAsync("custom-native"));

        Assert.All(mine, d => Assert.False(Directory.Exists(d)));
    }

    [Fact]
    public async Task A_new_version_replaces_the_old_while_leased_calls_finish_on_the_old_one()
    {
        await using var test = new TestHost();
        var folder = test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        await test.StartAsync();
        var greeter = test.Greeters.Get("custom-reload");
        var oldContext = WeakContextOf(test.Greeters, "custom-reload");
        PluginLease<IGreeter>? lease = test.Greeters.Acquire("custom-reload");

        PluginFolders.CopyFixture("Plugin.Reload.V2", folder);
        var status = await test.Host.LoadAsync(folder);

        Assert.Equal("2.0.0", status.Version);
        Assert.Equal("v2 Ada", greeter.Greet("Ada"));
        Assert.Equal("v1 Ada", lease!.Instance.Greet("Ada")); // not disposed while leased
        lease.Dispose();
        lease = null; // the test's own reference would keep version 1 alive
        Assert.False(await IsAliveAfterCollectionAsync(oldContext));
    }

    [Fact]
    public async Task A_failed_reload_keeps_the_old_version_active_and_shows_why()
    {
        await using var test = new TestHost();
        var folder = test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        await test.StartAsync();
        var manifest = Path.Combine(folder, "plugin.yaml");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("version: 1.0.0", "version: 1.1.0", StringComparison.Ordinal));
        File.WriteAllBytes(Path.Combine(folder, "Fixture.Plugin.Reload.dll"), new byte[512]);

        var status = await test.Host.LoadAsync(folder);

        Assert.Equal(PluginPhase.Active, status.Phase);
        Assert.Equal("1.0.0", status.Version);
        Assert.StartsWith("custom-reload: 'Fixture.Plugin.Reload.dll' is not a valid .NET assembly", status.Error);
        Assert.Contains(status.Events, e => e.Phase == PluginPhase.Failed && e.Version == "1.1.0");
        Assert.Equal("v1 Ada", test.Greeters.Get("custom-reload").Greet("Ada"));
    }

    [Fact]
    public async Task Hot_reload_under_concurrent_calls_fails_no_call()
    {
        await using var test = new TestHost(o =>
        {
            o.WatchForChanges = true;
            o.ReloadDebounce = TimeSpan.FromMilliseconds(300);
        });
        var folder = test.Folders.Install("Plugin.Reload.V1", folder: "reload");
        await test.StartAsync();
        var replaced = new TaskCompletionSource<PluginChangedEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
        test.Greeters.Changed += (_, e) =>
        {
            if (e.Kind == PluginChangeKind.Replaced)
            {
                replaced.TrySetResult(e);
            }
        };
        var greeter = test.Greeters.Get("custom-reload");
        using var stop = new CancellationTokenSource();
        var failures = new List<Exception>();
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();

        async Task CallInALoop(int caller)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var answer = (caller % 3) switch
                    {
                        0 => await greeter.GreetAsync("x"),
                        1 => greeter.Greet("x"),
                        _ => await FirstAsync(greeter.GreetEachAsync(["x", "y"])),
                    };
                    answers.AddOrUpdate(answer[..2], 1, (_, n) => n + 1);
                }
                catch (Exception ex)
                {
                    lock (failures)
                    {
                        failures.Add(ex);
                    }
                }

                await Task.Yield();
            }
        }

        var callers = Enumerable.Range(0, 8).Select(i => Task.Run(() => CallInALoop(i))).ToList();
        await Eventually.HoldsAsync(() => answers.GetValueOrDefault("v1") > 100);

        PluginFolders.CopyFixture("Plugin.Reload.V2", folder);
        var change = await replaced.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Eventually.HoldsAsync(() => answers.GetValueOrDefault("v2") > 100);
        await stop.CancelAsync();
        await Task.WhenAll(callers);

        Assert.Empty(failures);
        Assert.Equal(("1.0.0", "2.0.0"), (change.PreviousVersion, change.Version));
        Assert.Equal("v2 x", greeter.Greet("x"));
        Assert.Equal("2.0.0", test.Greeters.GetStatus("custom-reload").Version);
    }

    [Fact]
    public async Task Removing_a_plugin_folder_unloads_the_plugin()
    {
        await using var test = new TestHost(o =>
        {
            o.WatchForChanges = true;
            o.ReloadDebounce = TimeSpan.FromMilliseconds(200);
        });
        var folder = test.Folders.Install("Plugin.Hello");
        await test.StartAsync();
        var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        test.Host.Changed += (_, e) =>
        {
            if (e.Kind == PluginChangeKind.Removed)
            {
                removed.TrySetResult();
            }
        };

        Directory.Delete(folder, recursive: true);
        await removed.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.False(test.Greeters.Exists("custom-hello"));
    }

    private static async Task<string> FirstAsync(IAsyncEnumerable<string> items)
    {
        await foreach (var item in items)
        {
            return item;
        }

        throw new InvalidOperationException("empty");
    }


    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference WeakContextOf(IPluginRegistry<IGreeter> registry, string id)
    {
        using var lease = registry.Acquire(id);
        return new WeakReference(AssemblyLoadContext.GetLoadContext(lease.Instance.GetType().Assembly));
    }

    private static async Task<bool> IsAliveAfterCollectionAsync(WeakReference reference)
    {
        for (var i = 0; i < 100 && reference.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(20);
        }

        return reference.IsAlive;
    }
}

using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Fixture.Contracts;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Hosting.Tests;

/// <summary>
/// The health seam: a runtime reports that the active version of a plugin stopped or resumed serving
/// (<see cref="LoadedPlugin"/>'s ReportHealth), and the host shows it in the status, the events and Changed,
/// without replacing or unloading that version.
/// </summary>
public sealed class PluginHealthTests
{
    private const string Id = "custom-remote-greeter";

    [Fact]
    public async Task Not_serving_shows_the_plugin_as_Failed_with_the_reason_in_its_status_and_events()
    {
        await using var test = await StartAsync(out var runtime);
        var loaded = runtime.Loaded.Single();

        loaded.Report(serving: false, "its process (pid 4242) exited with code 137; restarting it in 2 s (restart 3)");

        var status = await WaitForStatusAsync(test, s => s.Phase == PluginPhase.Failed);
        Assert.False(status.IsActive);
        Assert.Equal("1.0.0", status.Version);
        Assert.Equal($"{Id} 1.0.0 is not serving: its process (pid 4242) exited with code 137; restarting it in 2 s (restart 3)", status.Error);
        var last = status.Events[^1];
        Assert.Equal(PluginPhase.Failed, last.Phase);
        Assert.Equal("1.0.0", last.Version);
        Assert.Equal(status.Error, last.Reason);
        Assert.True(last.Time > DateTimeOffset.MinValue);
    }

    [Fact]
    public async Task Not_serving_keeps_the_version_loaded_and_routed()
    {
        await using var test = await StartAsync(out var runtime);
        var loaded = runtime.Loaded.Single();

        loaded.Report(serving: false, "its health check failed");
        await WaitForStatusAsync(test, s => s.Phase == PluginPhase.Failed);

        Assert.False(loaded.Unloaded);
        Assert.True(test.Greeters.Exists(Id));
        Assert.Equal("hello ada from 1.0.0", test.Greeters.Get(Id).Greet("ada"));
    }

    [Fact]
    public async Task Serving_again_returns_the_status_to_Active_with_an_event()
    {
        await using var test = await StartAsync(out var runtime);
        var loaded = runtime.Loaded.Single();
        loaded.Report(serving: false, "its process exited with code 1");
        await WaitForStatusAsync(test, s => s.Phase == PluginPhase.Failed);

        loaded.Report(serving: true, "its process was restarted (restart 1, pid 4243)");

        var status = await WaitForStatusAsync(test, s => s.Phase == PluginPhase.Active);
        Assert.True(status.IsActive);
        Assert.Null(status.Error);
        Assert.Equal(PluginPhase.Active, status.Events[^1].Phase);
        Assert.Equal("its process was restarted (restart 1, pid 4243)", status.Events[^1].Reason);
    }

    [Fact]
    public async Task Changed_tells_Unhealthy_with_the_reason_then_Recovered()
    {
        await using var test = await StartAsync(out var runtime);
        var changes = new ConcurrentQueue<PluginChangedEventArgs>();
        test.Greeters.Changed += (_, e) => changes.Enqueue(e);
        var loaded = runtime.Loaded.Single();

        loaded.Report(serving: false, "it reports NOT_SERVING on its health check");
        loaded.Report(serving: true, null);

        await Eventually.HoldsAsync(() => changes.Count >= 2, () => "Unhealthy and Recovered");
        var (unhealthy, recovered) = (changes.ElementAt(0), changes.ElementAt(1));
        Assert.Equal(PluginChangeKind.Unhealthy, unhealthy.Kind);
        Assert.Equal(Id, unhealthy.Id);
        Assert.Equal("1.0.0", unhealthy.Version);
        Assert.Equal($"{Id} 1.0.0 is not serving: it reports NOT_SERVING on its health check", unhealthy.Reason);
        Assert.Equal(PluginChangeKind.Recovered, recovered.Kind);
        Assert.Equal("serving again", recovered.Reason);
    }

    [Fact]
    public async Task A_new_reason_while_not_serving_is_recorded_and_a_repeated_one_is_not()
    {
        await using var test = await StartAsync(out var runtime);
        var loaded = runtime.Loaded.Single();

        loaded.Report(serving: false, "its process exited with code 1; restarting it in 1 s (restart 1)");
        loaded.Report(serving: false, "its process exited with code 1; restarting it in 1 s (restart 1)");
        loaded.Report(serving: false, "the restarted process failed Init; trying again in 2 s (restart 1)");

        var status = await WaitForStatusAsync(test, s => s.Error?.Contains("failed Init", StringComparison.Ordinal) == true);
        Assert.Equal(
            ["its process exited with code 1; restarting it in 1 s (restart 1)", "the restarted process failed Init; trying again in 2 s (restart 1)"],
            status.Events.Where(e => e.Phase == PluginPhase.Failed).Select(e => e.Reason![$"{Id} 1.0.0 is not serving: ".Length..]));
    }

    [Fact]
    public async Task A_version_that_stopped_serving_before_it_became_active_shows_as_not_serving()
    {
        var runtime = new ReportingRuntime { NotServingOnLoad = "its process exited during Init; restarting it in 1 s (restart 1)" };
        await using var test = await StartAsync(runtime);

        var status = await WaitForStatusAsync(test, s => s.Phase == PluginPhase.Failed);

        Assert.Contains("exited during Init", status.Error, StringComparison.Ordinal);
        Assert.Contains(status.Events, e => e.Phase == PluginPhase.Active);
    }

    [Fact]
    public async Task After_a_reload_the_replaced_version_reports_are_ignored()
    {
        await using var test = await StartAsync(out var runtime);
        var first = runtime.Loaded.Single();
        SetVersion(test, "2.0.0");
        var reloaded = await test.Host.LoadAsync(Folder(test));
        Assert.Equal("2.0.0", reloaded.Version);
        var second = runtime.Loaded.Last();

        first.Report(serving: false, "the old process was stopped by the host");
        second.Report(serving: false, "the new process exited with code 2");

        var status = await WaitForStatusAsync(test, s => s.Phase == PluginPhase.Failed);
        Assert.Equal("2.0.0", status.Version);
        Assert.Equal($"{Id} 2.0.0 is not serving: the new process exited with code 2", status.Error);
        Assert.DoesNotContain(status.Events, e => e.Reason?.Contains("old process", StringComparison.Ordinal) == true);
        Assert.False(second.Unloaded);
    }

    [Fact]
    public async Task A_reload_of_a_version_that_is_not_serving_makes_the_new_one_Active()
    {
        await using var test = await StartAsync(out var runtime);
        runtime.Loaded.Single().Report(serving: false, "its process exited with code 1");
        await WaitForStatusAsync(test, s => s.Phase == PluginPhase.Failed);
        SetVersion(test, "2.0.0");

        var status = await test.Host.LoadAsync(Folder(test));

        Assert.Equal(PluginPhase.Active, status.Phase);
        Assert.Equal("2.0.0", status.Version);
        Assert.Null(status.Error);
    }

    [Fact]
    public async Task An_unloaded_plugin_reports_change_nothing()
    {
        await using var test = await StartAsync(out var runtime);
        var loaded = runtime.Loaded.Single();
        await test.Host.UnloadAsync(Id);

        loaded.Report(serving: false, "stopped by the host");

        // The report was dropped at once: the watch on that version ended with the unload.
        var status = test.Host.GetStatus(Id)!;
        Assert.Equal(PluginPhase.Removed, status.Phase);
        Assert.DoesNotContain(status.Events, e => e.Reason?.Contains("stopped by the host", StringComparison.Ordinal) == true);
    }

    private static Task<TestHost> StartAsync(out ReportingRuntime runtime)
    {
        runtime = new ReportingRuntime();
        return StartAsync(runtime);
    }

    private static async Task<TestHost> StartAsync(ReportingRuntime runtime)
    {
        var test = new TestHost();
        Directory.CreateDirectory(Folder(test));
        SetVersion(test, "1.0.0");
        test.Host.AddRuntime(runtime);
        await test.StartAsync();
        Assert.True(test.Greeters.Exists(Id), test.Greeters.GetStatus(Id).Error);
        return test;
    }

    private static string Folder(TestHost test) => Path.Combine(test.Folders.Root, "remote-greeter");

    private static void SetVersion(TestHost test, string version) =>
        File.WriteAllText(Path.Combine(Folder(test), "plugin.yaml"), $"""
            id: {Id}
            version: {version}
            runtime: process
            entry:
              default: remote-greeter
            contracts:
              - name: fixture.greeter
                version: ^1.0
            """);

    private static async Task<PluginStatus> WaitForStatusAsync(TestHost test, Func<PluginStatus, bool> condition)
    {
        PluginStatus? status = null;
        await Eventually.HoldsAsync(() => condition(status = test.Greeters.GetStatus(Id)), () => "the plugin's status");
        return status!;
    }


    /// <summary>A runtime for <c>process</c> plugins that runs them in the test and lets the test report their health.</summary>
    private sealed class ReportingRuntime : IPluginRuntime
    {
        public ConcurrentQueue<ReportingPlugin> Loaded { get; } = new();

        public string? NotServingOnLoad { get; init; }

        public PluginRuntimeKind Kind => PluginRuntimeKind.Process;

        public ValueTask<LoadedPlugin> LoadAsync(PluginLoadRequest request, CancellationToken cancellationToken)
        {
            var version = request.Manifest.Version.ToNormalizedString();
            var context = new PluginContext
            {
                PluginId = request.Manifest.Id,
                Version = version,
                Logger = request.Logger,
                Configuration = request.Configuration,
                Stopping = request.Stopping,
            };
            var plugin = new ReportingPlugin(request.Manifest.Id, new Greeter(version), context);
            if (NotServingOnLoad is { } reason)
            {
                plugin.Report(serving: false, reason);
            }

            Loaded.Enqueue(plugin);
            return ValueTask.FromResult<LoadedPlugin>(plugin);
        }
    }

    private sealed class ReportingPlugin(string id, object implementation, PluginContext context) : LoadedPlugin
    {
        public override string Id { get; } = id;

        public override object Implementation { get; } = implementation;

        public override PluginContext Context { get; } = context;

        public override Type? ConfigType => null;

        public bool Unloaded { get; private set; }

        public void Report(bool serving, string? reason) => ReportHealth(serving, reason);

        public override Task<bool> UnloadAsync(TimeSpan timeout)
        {
            Unloaded = true;
            return Task.FromResult(true);
        }
    }

    private sealed class Greeter(string version) : IGreeter
    {
        public string Greet(string name) => $"hello {name} from {version}";

        public Task<string> GreetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(Greet(name));

        public ValueTask<int> CountCallsAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(0);

        public async IAsyncEnumerable<string> GreetEachAsync(IReadOnlyList<string> names, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            foreach (var name in names)
            {
                await Task.Yield();
                yield return Greet(name);
            }
        }
    }
}

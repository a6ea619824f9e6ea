using Fixture.Contracts;
using Microsoft.Extensions.Time.Testing;

namespace Plugboard.Hosting.Tests;

/// <summary>
/// Built-in plugins and plugins from folders go through one pipeline (admission → activation → retirement):
/// the same checks, with the same reasons, events and registry entries.
/// </summary>
public sealed class PipelineTests
{
    [Fact]
    public async Task A_disabled_built_in_and_a_disabled_folder_plugin_are_held_alike()
    {
        await using var test = new TestHost(o =>
        {
            o.Plugins["local"] = new PluginOptions { Enabled = false };
            o.Plugins["custom-hello"] = new PluginOptions { Enabled = false };
        });
        test.Host.AddBuiltIn<IGreeter, BuiltInGreeter>("local");
        test.Folders.Install("Plugin.Hello");
        await test.StartAsync();

        foreach (var id in new[] { "local", "custom-hello" })
        {
            var status = test.Greeters.GetStatus(id);
            Assert.Equal(PluginPhase.Discovered, status.Phase);
            Assert.Equal([(PluginPhase.Discovered, $"disabled by configuration (Plugboard:Plugins:{id}:Enabled is false)")], status.Events.Select(e => (e.Phase, e.Reason)));
            Assert.Equal(["fixture.greeter/v1"], status.Contracts);
            Assert.False(test.Greeters.Exists(id));
            var notActive = Assert.Throws<PluginNotAvailableException>(() => test.Greeters.Get(id));
            Assert.Equal($"plugin '{id}' (fixture.greeter/v1) is not active: it is discovered", notActive.Message);
        }
    }

    [Fact]
    public async Task An_Init_that_throws_fails_a_built_in_and_a_folder_plugin_alike()
    {
        await using var test = new TestHost();
        test.Host.AddBuiltIn<IGreeter, BuiltInThatThrowsInInit>("refusing");
        test.Folders.Install("Plugin.Faulty", folder: "init-throws", manifest: "init-throws");
        await test.StartAsync();

        var builtIn = test.Greeters.GetStatus("refusing");
        var folder = test.Greeters.GetStatus("custom-init-throws");

        Assert.Equal($"refusing {builtIn.Version}: Init failed: InvalidOperationException: upstream refused the connection", builtIn.Error);
        Assert.Equal("custom-init-throws 1.0.0: Init failed: InvalidOperationException: upstream refused the connection", folder.Error);
        Assert.Equal(
            builtIn.Events.Select(e => e.Phase),
            folder.Events.Select(e => e.Phase));
        Assert.Equal([PluginPhase.Loaded, PluginPhase.Failed], folder.Events.Select(e => e.Phase));
    }

    [Fact]
    public async Task Init_and_Verify_timeouts_run_on_the_hosts_clock_for_built_ins_and_folder_plugins()
    {
        var time = new FakeTimeProvider();
        await using var test = new TestHost(o => o.InitTimeout = TimeSpan.FromMinutes(5), time);
        test.Host.AddBuiltIn<IGreeter, BuiltInThatHangsInInit>("hanging");
        test.Folders.Install("Plugin.Faulty", folder: "init-hangs", manifest: "init-hangs");

        var start = test.StartAsync();
        Assert.False(start.IsCompleted);
        await Eventually.HoldsAsync(() => time.Advanced(TimeSpan.FromMinutes(1)) && start.IsCompleted);
        await start;

        Assert.EndsWith(": Init did not finish within 300 s; check what it waits for, or raise PlugboardOptions.InitTimeout.", test.Greeters.GetStatus("hanging").Error);
        Assert.Equal(
            "custom-init-hangs 1.0.0: Init did not finish within 300 s; check what it waits for, or raise PlugboardOptions.InitTimeout.",
            test.Greeters.GetStatus("custom-init-hangs").Error);
    }

    public sealed class BuiltInThatThrowsInInit : IGreeter, IPlugin
    {
        public ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("upstream refused the connection");

        public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) => new(VerifyResult.Ready());

        public ValueTask DisposeAsync() => default;

        public string Greet(string name) => name;

        public Task<string> GreetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(name);

        public ValueTask<int> CountCallsAsync(CancellationToken cancellationToken = default) => new(0);

        public IAsyncEnumerable<string> GreetEachAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default) => names.ToAsyncEnumerable();
    }

    public sealed class BuiltInThatHangsInInit : IGreeter, IPlugin
    {
        public async ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return PluginMetadata.Empty;
        }

        public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) => new(VerifyResult.Ready());

        public ValueTask DisposeAsync() => default;

        public string Greet(string name) => name;

        public Task<string> GreetAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(name);

        public ValueTask<int> CountCallsAsync(CancellationToken cancellationToken = default) => new(0);

        public IAsyncEnumerable<string> GreetEachAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default) => names.ToAsyncEnumerable();
    }
}

using System.Diagnostics;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Grpc.Core;
using Plugboard.Rpc;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>What the host does while a process plugin runs: deadlines, crashes, restarts, limits, stopping.</summary>
public sealed class SupervisionTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task A_plugin_killed_mid_call_fails_the_call_with_Unavailable_and_serves_again_after_its_restart()
    {
        await using var plugin = TestPlugins.Sdk("hang", _logger, TestPlugins.Options(o => o.RestartDelay = TimeSpan.FromSeconds(1)));
        await plugin.StartAsync(CancellationToken.None);
        var source = new DataSourceRpcClient(plugin.CallInvoker);
        var firstPid = plugin.ProcessId!.Value;

        var call = source.TestConnectionAsync();
        await Task.Delay(300); // let the call reach the plugin
        ProcessProbe.Kill(firstPid);

        var error = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        await Eventually.HoldsAsync(() => plugin.Restarts == 1 && plugin.State == RpcPluginState.Serving, () => "the restart");
        var departments = await source.GetDepartmentsAsync().ToListAsync();
        Assert.Equal(2, departments.Count);
        Assert.NotEqual(firstPid, plugin.ProcessId);
    }

    [Fact]
    public async Task While_a_crashed_plugin_restarts_calls_fail_at_once_with_Unavailable_and_the_reason()
    {
        await using var plugin = TestPlugins.Sdk("serve", _logger, TestPlugins.Options(o => o.RestartDelay = TimeSpan.FromSeconds(3)));
        await plugin.StartAsync(CancellationToken.None);
        ProcessProbe.Kill(plugin.ProcessId!.Value);
        await plugin.WaitForStateAsync(RpcPluginState.Restarting, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        var error = await Assert.ThrowsAsync<RpcException>(() => new DataSourceRpcClient(plugin.CallInvoker).TestConnectionAsync());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("plugin 'custom-test' is restarting", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("exited with code", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_plugin_is_initialized_again_with_the_same_configuration()
    {
        await using var plugin = TestPlugins.Sdk("serve", _logger);
        await plugin.StartAsync(CancellationToken.None);
        var lifecycle = new Runtimes.RpcPluginLifecycle(plugin);
        await lifecycle.InitAsync(
            new PluginContext { PluginId = "custom-test", Version = "1.0.0", Logger = _logger, Configuration = new() { ["directory"] = "ou=people" } },
            CancellationToken.None);

        ProcessProbe.Kill(plugin.ProcessId!.Value);
        await Eventually.HoldsAsync(() => plugin.Restarts == 1 && plugin.State == RpcPluginState.Serving, () => "the restart");

        var result = await new DataSourceRpcClient(plugin.CallInvoker).TestConnectionAsync();
        Assert.Contains("\"directory\":\"ou=people\"", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hanging_call_ends_with_DeadlineExceeded_and_the_plugin_keeps_answering()
    {
        await using var plugin = TestPlugins.Sdk("hang", _logger, TestPlugins.Options(o => o.CallTimeout = TimeSpan.FromSeconds(1)));
        await plugin.StartAsync(CancellationToken.None);
        var source = new DataSourceRpcClient(plugin.CallInvoker);

        var error = await Assert.ThrowsAsync<RpcException>(() => source.TestConnectionAsync().WaitAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(5, (await source.GetUsersAsync().ToListAsync()).Count);
        Assert.Equal(RpcPluginState.Serving, plugin.State);
    }

    [Fact]
    public async Task A_streaming_call_gets_the_default_deadline_too()
    {
        await using var plugin = TestPlugins.Sdk("hang", _logger, TestPlugins.Options(o => o.CallTimeout = TimeSpan.FromMilliseconds(1)));
        await plugin.StartAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in new DataSourceRpcClient(plugin.CallInvoker).GetUsersAsync())
            {
                await Task.Delay(10);
            }
        });
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task A_message_over_the_size_limit_ends_the_call_with_ResourceExhausted()
    {
        await using var plugin = TestPlugins.Sdk("big", _logger);
        await plugin.StartAsync(CancellationToken.None);

        var error = await Assert.ThrowsAsync<RpcException>(() => new DataSourceRpcClient(plugin.CallInvoker).GetUsersAsync().ToListAsync().AsTask());
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.True((await new DataSourceRpcClient(plugin.CallInvoker).TestConnectionAsync()).Ok);
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_all_succeed()
    {
        await using var plugin = TestPlugins.Sdk("serve", _logger);
        await plugin.StartAsync(CancellationToken.None);
        var source = new DataSourceRpcClient(plugin.CallInvoker);

        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => Task.Run(() => source.TestConnectionAsync())));

        Assert.All(results, r => Assert.True(r.Ok));
    }

    [Fact]
    public async Task Stopping_calls_Shutdown_then_the_process_exits_on_its_own()
    {
        var plugin = TestPlugins.Sdk("serve", _logger);
        await plugin.StartAsync(CancellationToken.None);
        var pid = plugin.ProcessId!.Value;

        await plugin.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.False(ProcessProbe.IsRunning(pid));
        Assert.Equal(RpcPluginState.Stopped, plugin.State);
        Assert.DoesNotContain(_logger.Lines, l => l.Contains("killing its process tree", StringComparison.Ordinal));
        var error = await Assert.ThrowsAsync<RpcException>(() => new DataSourceRpcClient(plugin.CallInvoker).TestConnectionAsync());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task A_plugin_that_ignores_stdin_and_sigterm_is_killed_after_the_grace_period()
    {
        // A shell loop that traps TERM and never reads stdin: only the final kill can stop it.
        var script = Path.Combine(Path.GetTempPath(), $"pb-stubborn-{Guid.NewGuid():N}.sh");
        await File.WriteAllTextAsync(script, "trap '' TERM\necho '1|1|tcp|127.0.0.1:1|grpc'\nwhile true; do sleep 0.2; done\n");
        try
        {
            var plugin = TestPlugins.Create($"sh {script}", Path.GetTempPath(), _logger, TestPlugins.Options(o =>
            {
                o.ShutdownTimeout = TimeSpan.FromMilliseconds(500);
                o.ShutdownGrace = TimeSpan.FromSeconds(1);
            }));
            await plugin.StartAsync(CancellationToken.None);
            var pid = plugin.ProcessId!.Value;

            await plugin.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));

            Assert.False(ProcessProbe.IsRunning(pid));
            Assert.Contains(_logger.Lines, l => l.Contains("killing its process tree", StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(script);
        }
    }
}

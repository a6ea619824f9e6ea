using Microsoft.Extensions.Time.Testing;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>Restart backoff: doubling, capped, spread by jitter, and timed on the connection's clock.</summary>
public sealed class RestartBackoffTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public void Each_crash_in_a_row_doubles_the_delay_up_to_the_maximum()
    {
        var backoff = new RestartBackoff(new RpcPluginOptions { RestartDelay = TimeSpan.FromSeconds(1), MaxRestartDelay = TimeSpan.FromSeconds(10), RestartJitter = 0 });

        Assert.Equal([1, 2, 4, 8, 10, 10], new[] { 1, 2, 3, 4, 5, 40 }.Select(attempt => backoff.Delay(attempt).TotalSeconds));
    }

    [Fact]
    public void Jitter_spreads_the_delays_within_its_bounds_and_never_past_the_maximum()
    {
        var backoff = new RestartBackoff(
            new RpcPluginOptions { RestartDelay = TimeSpan.FromSeconds(1), MaxRestartDelay = TimeSpan.FromSeconds(10), RestartJitter = 0.2 }, new Random(7));

        var first = Enumerable.Range(0, 200).Select(_ => backoff.Delay(1).TotalMilliseconds).ToList();
        var capped = Enumerable.Range(0, 200).Select(_ => backoff.Delay(10).TotalMilliseconds).ToList();

        Assert.All(first, d => Assert.InRange(d, 800, 1200));
        Assert.True(first.Distinct().Count() > 100, "the delays should be spread, not all alike");
        Assert.All(capped, d => Assert.InRange(d, 8000, 10000));
    }

    [Fact]
    public async Task A_crashed_plugin_is_restarted_only_once_its_backoff_has_passed_on_the_connections_clock()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = TestPlugins.Options(o =>
        {
            o.RestartDelay = TimeSpan.FromSeconds(10);
            o.RestartJitter = 0;
            o.HealthCheckInterval = TimeSpan.FromHours(1);
        });
        await using var plugin = TestPlugins.Sdk("serve", _logger, options, time);
        await plugin.StartAsync(CancellationToken.None);

        ProcessProbe.Kill(plugin.ProcessId!.Value);
        await plugin.WaitForStateAsync(RpcPluginState.Restarting, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Contains("restarting it in 10 s", plugin.Reason, StringComparison.Ordinal);

        // The real clock runs on, but only the connection's clock can end the wait: advance it in small steps.
        var advanced = TimeSpan.Zero;
        await Eventually.HoldsAsync(() =>
        {
            if (plugin.State == RpcPluginState.Serving)
            {
                return true;
            }

            time.Advance(TimeSpan.FromMilliseconds(250));
            advanced += TimeSpan.FromMilliseconds(250);
            return false;
        }, () => "the restart");

        Assert.True(advanced >= TimeSpan.FromSeconds(10), $"restarted after {advanced} on the connection's clock, before its 10 s backoff");
        Assert.Equal(1, plugin.Restarts);
        Assert.True((await new DataSourceRpcClient(plugin.CallInvoker).TestConnectionAsync()).Ok);
    }
}

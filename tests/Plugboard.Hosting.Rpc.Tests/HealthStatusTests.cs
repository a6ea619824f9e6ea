using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using UserSync;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>
/// An out-of-process plugin that goes down shows it in the host's status, events and Changed — not only in the logs —
/// and shows Active again once it serves, without the host replacing or unloading it.
/// </summary>
public sealed partial class HealthStatusTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task A_killed_process_plugin_is_Failed_with_the_reason_while_it_restarts_then_Active_again()
    {
        // No jitter, so the reason names the delay exactly.
        await using var provider = BuildHost(options => (options.RestartDelay, options.RestartJitter) = (TimeSpan.FromSeconds(1), 0));
        var host = provider.GetRequiredService<PluginHost>();
        var registry = provider.GetRequiredService<IPluginRegistry<IDataSource>>();
        var whileUnhealthy = new ConcurrentQueue<PluginStatus>();
        var changes = new ConcurrentQueue<PluginChangedEventArgs>();
        registry.Changed += (_, e) =>
        {
            changes.Enqueue(e);
            if (e.Kind == PluginChangeKind.Unhealthy)
            {
                // The status as it is when Unhealthy is raised (recovery is handled after this handler returns).
                whileUnhealthy.Enqueue(registry.GetStatus(e.Id));
            }
        };
        await host.StartAsync();
        var loaded = await host.LoadAsync(TestPaths.CSharpProcessDirectory);
        Assert.True(loaded.IsActive, loaded.Error);
        var source = registry.Get("custom-csv-process");
        var firstPid = Convert.ToInt32(loaded.Metadata.Values["pid"], CultureInfo.InvariantCulture);

        ProcessProbe.Kill(firstPid);
        await Eventually.HoldsAsync(() => changes.Any(c => c.Kind == PluginChangeKind.Recovered), () => "the plugin to be restarted and recovered");

        var failed = whileUnhealthy.First();
        Assert.Equal(PluginPhase.Failed, failed.Phase);
        Assert.False(failed.IsActive);
        Assert.Equal("1.0.0", failed.Version);
        Assert.Matches($@"^custom-csv-process 1\.0\.0 is not serving: its process \(pid {firstPid}\) exited with code \d+; restarting it in 1 s \(restart 1\)$", failed.Error);
        Assert.Contains(failed.Events, e => e.Phase == PluginPhase.Failed && e.Reason == failed.Error && e.Version == "1.0.0");
        var unhealthy = changes.First(c => c.Kind == PluginChangeKind.Unhealthy);
        Assert.Equal(failed.Error, unhealthy.Reason);

        var recovered = registry.GetStatus("custom-csv-process");
        Assert.Equal(PluginPhase.Active, recovered.Phase);
        Assert.Null(recovered.Error);
        var back = recovered.Events[^1];
        Assert.Equal(PluginPhase.Active, back.Phase);
        var secondPid = int.Parse(RestartedPid().Match(back.Reason ?? string.Empty).Groups["pid"].Value, CultureInfo.InvariantCulture);
        Assert.NotEqual(firstPid, secondPid);
        Assert.DoesNotContain(changes, c => c.Kind is PluginChangeKind.Replaced or PluginChangeKind.Removed);

        // The same version, restarted: the object from the registry reaches the new process.
        Assert.Contains(await source.GetUsersAsync().ToListAsync(), u => u.UserName == "ada");
        await host.DisposeAsync();
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(secondPid, TimeSpan.FromMinutes(1)), "the restarted plugin process outlived the host");
    }

    [Fact]
    public async Task An_endpoint_that_stops_answering_is_Failed_with_the_reason_until_it_answers_again()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"pb-health-{Guid.NewGuid():N}.sock");
        var service = StartService(socket);
        using var folder = PluginFolder.Create("custom-endpoint", "endpoint", $"unix://{socket}");
        try
        {
            await Eventually.HoldsAsync(() => File.Exists(socket), () => "the service's socket");
            await using var provider = BuildHost(options => options.HealthCheckTimeout = TimeSpan.FromSeconds(1));
            var host = provider.GetRequiredService<PluginHost>();
            var registry = host.Registry<IDataSource>();
            await host.StartAsync();
            Assert.True((await host.LoadAsync(folder.Path)).IsActive);

            service.Dispose();
            File.Delete(socket);
            await Eventually.HoldsAsync(() => registry.GetStatus("custom-endpoint").Phase == PluginPhase.Failed, () => "the status to show the endpoint is gone");
            var failed = registry.GetStatus("custom-endpoint");
            Assert.StartsWith("custom-endpoint 1.0.0 is not serving: its health check failed: Unavailable", failed.Error, StringComparison.Ordinal);
            Assert.Equal(failed.Error, failed.Events[^1].Reason);

            service = StartService(socket);
            await Eventually.HoldsAsync(() => registry.GetStatus("custom-endpoint").IsActive, () => "the status to show the endpoint is back");
            var back = registry.GetStatus("custom-endpoint");
            Assert.Null(back.Error);
            Assert.Equal("it answers its health checks with SERVING again", back.Events[^1].Reason);
            Assert.Contains($"pid {service.Id}", (await registry.Get("custom-endpoint").TestConnectionAsync()).Message, StringComparison.Ordinal);
        }
        finally
        {
            service.Dispose();
            File.Delete(socket);
        }
    }

    [GeneratedRegex(@"restart 1, pid (?<pid>\d+)")]
    private static partial Regex RestartedPid();

    private static ChildProcess StartService(string socket)
    {
        var service = ChildProcess.Start("dotnet", TestPaths.SdkTestPluginDll, "--listen", $"unix://{socket}");
        _ = service.Process.StandardError.ReadToEndAsync();
        _ = service.Process.StandardOutput.ReadToEndAsync();
        return service;
    }

    private ServiceProvider BuildHost(Action<RpcPluginOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logger).SetMinimumLevel(LogLevel.Debug));
        services.AddPlugboard()
            .AddRpcContract<IDataSource>(invoker => new DataSourceRpcClient(invoker))
            .AddRpcRuntimes(options =>
            {
                options.HealthCheckInterval = TimeSpan.FromSeconds(1);
                configure(options);
            });
        return services.BuildServiceProvider();
    }
}

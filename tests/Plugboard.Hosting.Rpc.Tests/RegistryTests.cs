using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Plugboard.Manifests;
using UserSync;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>
/// Out-of-process plugins through the host: the registry hands out an <see cref="IDataSource"/> like for any plugin,
/// with the same status model, and unloading the host stops their processes.
/// </summary>
public sealed class RegistryTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task A_csharp_sdk_plugin_is_an_IDataSource_from_the_registry()
    {
        await using var provider = BuildHost();
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(TestPaths.CSharpProcessDirectory);

        Assert.True(status.IsActive, status.Error);
        Assert.Equal(PluginRuntimeKind.Process, status.Runtime);
        Assert.True(status.Verification?.IsReady);
        Assert.Equal(new object?[] { "users", "departments" }, Assert.IsAssignableFrom<IEnumerable<object?>>(status.Metadata.Values["capabilities"]));
        var source = provider.GetRequiredService<IPluginRegistry<IDataSource>>().Get("custom-csv-process");
        var users = await source.GetUsersAsync().ToListAsync();
        var departments = await source.GetDepartmentsAsync().ToListAsync();
        Assert.Contains(users, u => u.UserName == "ada" && u.DepartmentId == "d-platform");
        Assert.Contains(departments, d => d.Id == "d-platform" && d.ParentId == "d-eng");
        Assert.Null(departments.Single(d => d.Id == "d-eng").ParentId);
        Assert.True((await source.TestConnectionAsync()).Ok);

        var pid = Convert.ToInt32(status.Metadata.Values["pid"], System.Globalization.CultureInfo.InvariantCulture);
        await host.DisposeAsync();
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid, TimeSpan.FromMinutes(1)), "the plugin process outlived the host's unload");
    }

    [Fact]
    public async Task The_node_plugin_is_an_IDataSource_from_the_registry()
    {
        await NodePackages.EnsureInstalledAsync(TestPaths.NodeDataSourceDirectory);
        await using var provider = BuildHost(options => options.Plugins.GetOrAdd("custom-node-directory").Configuration = new() { ["departmentPrefix"] = "n-" });
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(TestPaths.NodeDataSourceDirectory);

        Assert.True(status.IsActive, status.Error);
        Assert.StartsWith("node v", (string?)status.Metadata.Values["runtime"], StringComparison.Ordinal);
        var source = host.Registry<IDataSource>().Get("custom-node-directory");
        var departments = await source.GetDepartmentsAsync().ToListAsync();
        var users = await source.GetUsersAsync().ToListAsync();
        Assert.Equal(["n-research", "n-compilers", "n-networks", "n-people"], departments.Select(d => d.Id));
        Assert.Null(departments[0].ParentId);
        Assert.Contains(users, u => u.DisplayName == "Karen Spärck Jones");
        Assert.Contains("read 5 users", (await source.TestConnectionAsync()).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_node_plugin_with_a_missing_data_file_is_active_but_not_ready_with_the_reason()
    {
        await NodePackages.EnsureInstalledAsync(TestPaths.NodeDataSourceDirectory);
        await using var provider = BuildHost(options => options.Plugins.GetOrAdd("custom-node-directory").Configuration = new() { ["dataFile"] = "data/missing.json" });
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(TestPaths.NodeDataSourceDirectory);

        Assert.False(status.Verification?.IsReady);
        Assert.Contains("missing.json", status.Verification?.Reason ?? status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_process_plugin_that_cannot_start_fails_alone_with_the_reason_in_its_status()
    {
        using var folder = PluginFolder.Create("custom-broken", "process", TestPaths.SdkTestPluginEntry("exit-early"));
        await using var provider = BuildHost();
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(folder.Path);

        Assert.Equal(PluginPhase.Failed, status.Phase);
        Assert.Contains("exited with code 3 before its handshake", status.Error, StringComparison.Ordinal);
        Assert.Contains("cannot open /nonexistent/directory.json", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_plugin_is_called_on_its_running_service()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"pb-endpoint-{Guid.NewGuid():N}.sock");
        using var service = ChildProcess.Start("dotnet", TestPaths.SdkTestPluginDll, "--listen", $"unix://{socket}");
        _ = service.Process.StandardError.ReadToEndAsync();
        _ = service.Process.StandardOutput.ReadToEndAsync();
        await Eventually.HoldsAsync(() => File.Exists(socket), () => "the standalone plugin's socket");
        using var folder = PluginFolder.Create("custom-endpoint", "endpoint", $"unix://{socket}");
        await using var provider = BuildHost(options => options.Plugins.GetOrAdd("custom-endpoint").Configuration = new() { ["region"] = "eu" });
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(folder.Path);

        Assert.True(status.IsActive, status.Error);
        Assert.Equal(PluginRuntimeKind.Endpoint, status.Runtime);
        var result = await host.Registry<IDataSource>().Get("custom-endpoint").TestConnectionAsync();
        Assert.Contains($"pid {service.Id}", result.Message, StringComparison.Ordinal);
        Assert.Contains("\"region\":\"eu\"", result.Message, StringComparison.Ordinal);
        await host.DisposeAsync();
        Assert.False(service.HasExited, "the endpoint runtime must not stop a service it does not own");
        File.Delete(socket);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_fails_with_the_address_and_what_to_check()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"pb-nobody-{Guid.NewGuid():N}.sock");
        using var folder = PluginFolder.Create("custom-unreachable", "endpoint", $"unix://{socket}");
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logger));
        services.Configure<RpcPluginOptions>("custom-unreachable", o => o.StartTimeout = TimeSpan.FromSeconds(1));
        services.AddPlugboard().AddRpcContract<IDataSource>(invoker => new DataSourceRpcClient(invoker));
        await using var provider = services.BuildServiceProvider();
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(folder.Path);

        Assert.Equal(PluginPhase.Failed, status.Phase);
        Assert.Contains($"the endpoint unix://{socket} did not answer its health check within 1 s", status.Error, StringComparison.Ordinal);
    }

    private ServiceProvider BuildHost(Action<PlugboardOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logger).SetMinimumLevel(LogLevel.Debug));
        services.AddPlugboard(options => configure?.Invoke(options))
            .AddRpcContract<IDataSource>(invoker => new DataSourceRpcClient(invoker))
            .AddRpcRuntimes(options => options.HealthCheckInterval = TimeSpan.FromSeconds(1));
        return services.BuildServiceProvider();
    }
}

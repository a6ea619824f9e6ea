using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Rpc.Conformance;
using Plugboard.Hosting.Rpc.Runtimes;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Plugboard.Manifests;
using Grpc.Core;
using Plugboard.Rpc;
using Plugboard.Rpc.Protocol;
using UserSync;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>
/// docs/protocol.md holds for Python: the sample written from it (samples/usersync/plugins/python-datasource, grpcio)
/// runs through the real host and passes the conformance checks, and so does the document's own minimal example.
/// </summary>
public sealed partial class PythonPluginTests(ITestOutputHelper output)
{
    private const string PluginId = "custom-python-directory";
    private const string CookieKey = "PLUGBOARD_PLUGIN_MAGIC_COOKIE";
    private const string CookieValue = "8c7ab4b3-1b1f-4a8e-9c39-5c3e0f7f3b8d";

    private static readonly string[] AllChecks =
        ["manifest", "sample configuration", "handshake", "health", "init", "verify", "unknown method", "deadline",
         "method usersync.v1.DataSource/ListDepartments", "method usersync.v1.DataSource/ListUsers", "method usersync.v1.DataSource/TestConnection",
         "shutdown", "exit on stdin close"];

    // The document's minimal example ships no descriptors: its contract's methods are not called, with a warning.
    private static readonly string[] DocumentExampleChecks =
        ["manifest", "sample configuration", "handshake", "health", "init", "verify", "unknown method", "deadline",
         "contract usersync.datasource", "shutdown", "exit on stdin close"];

    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task The_python_plugin_is_an_IDataSource_from_the_registry_and_stops_gracefully_with_the_host()
    {
        await PythonPlugin.EnsureBuiltAsync();
        await using var provider = BuildHost();
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(PythonPlugin.Directory);

        Assert.True(status.IsActive, status.Error);
        Assert.Equal(PluginRuntimeKind.Process, status.Runtime);
        Assert.True(status.Verification?.IsReady, status.Verification?.Reason);
        Assert.StartsWith("python 3.", (string?)status.Metadata.Values["runtime"], StringComparison.Ordinal);
        Assert.Equal(new object?[] { "departments", "users" }, Assert.IsAssignableFrom<IEnumerable<object?>>(status.Metadata.Values["capabilities"]));
        var source = host.Registry<IDataSource>().Get(PluginId);
        var departments = await source.GetDepartmentsAsync().ToListAsync();
        var users = await source.GetUsersAsync().ToListAsync();
        var connection = await source.TestConnectionAsync();
        Assert.Equal(["py-infra", "py-sre", "py-storage", "py-design"], departments.Select(d => d.Id));
        Assert.Null(departments[0].ParentId);
        Assert.Equal("py-infra", departments[1].ParentId);
        Assert.Equal(["margaret", "radia", "edsger", "guido", "susan"], users.Select(u => u.UserName)); // jean is inactive
        Assert.Contains(users, u => u.DisplayName == "Guido van Rossum" && u.Email == "guido@example.net" && u.DepartmentId == "py-sre");
        Assert.True(connection.Ok, connection.Message);
        Assert.Contains("read 5 users", connection.Message, StringComparison.Ordinal);

        var pid = Convert.ToInt32(status.Metadata.Values["pid"], System.Globalization.CultureInfo.InvariantCulture);
        await host.DisposeAsync();
        Assert.True(await ProcessProbe.WaitUntilGoneAsync(pid, TimeSpan.FromMinutes(1)), "the Python plugin outlived the host's unload");
        Assert.Contains(_logger.Lines, l => l.Contains("Shutdown: releasing resources", StringComparison.Ordinal));
        Assert.Contains(_logger.Lines, l => l.Contains("stopping: stdin closed", StringComparison.Ordinal));
        Assert.DoesNotContain(_logger.Lines, l => l.Contains("killing its process tree", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_configuration_reaches_the_python_plugin_through_Init()
    {
        await PythonPlugin.EnsureBuiltAsync();
        await using var provider = BuildHost(options => options.Plugins.GetOrAdd(PluginId).Configuration = new() { ["departmentPrefix"] = "py-design", ["includeInactive"] = true });
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(PythonPlugin.Directory);

        Assert.True(status.IsActive, status.Error);
        var source = host.Registry<IDataSource>().Get(PluginId);
        Assert.Equal(["py-design"], (await source.GetDepartmentsAsync().ToListAsync()).Select(d => d.Id));
        Assert.Equal(["susan", "jean"], (await source.GetUsersAsync().ToListAsync()).Select(u => u.UserName));
    }

    [Fact]
    public async Task A_python_plugin_with_a_missing_data_file_is_not_ready_with_the_reason()
    {
        await PythonPlugin.EnsureBuiltAsync();
        await using var provider = BuildHost(options => options.Plugins.GetOrAdd(PluginId).Configuration = new() { ["dataFile"] = "data/missing.json" });
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();

        var status = await host.LoadAsync(PythonPlugin.Directory);

        Assert.False(status.Verification?.IsReady);
        Assert.Contains("missing.json", status.Verification?.Reason ?? status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_python_plugin_ends_its_streams_with_FAILED_PRECONDITION_and_the_reason_when_the_data_file_is_missing()
    {
        await PythonPlugin.EnsureBuiltAsync();
        await using var plugin = TestPlugins.Create(Path.Combine(PythonPlugin.Directory, "launch.sh"), PythonPlugin.Directory, _logger);
        await plugin.StartAsync(CancellationToken.None);
        await new Plugin.PluginClient(plugin.CallInvoker).InitAsync(new InitRequest
        {
            PluginId = PluginId,
            Version = "1.0.0",
            Configuration = StructJson.ToStruct(new JsonObject { ["dataFile"] = "data/missing.json" }),
        });
        var source = new DataSourceRpcClient(plugin.CallInvoker);

        var failure = await Assert.ThrowsAsync<RpcException>(async () => await source.GetUsersAsync().ToListAsync());

        Assert.Equal(StatusCode.FailedPrecondition, failure.StatusCode);
        Assert.Contains("data/missing.json", failure.Status.Detail, StringComparison.Ordinal);
        var connection = await source.TestConnectionAsync();
        Assert.False(connection.Ok);
        Assert.Contains("set dataFile", connection.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PluginTransport.UnixSocket, "unix:")]
    [InlineData(PluginTransport.Tcp, "127.0.0.1:")]
    public async Task The_python_sample_conforms(PluginTransport transport, string listensOn)
    {
        await PythonPlugin.EnsureBuiltAsync();

        var report = await new PluginConformance(TestPlugins.Options(o => o.Transport = transport), _logger).RunAsync(PythonPlugin.Directory);

        output.WriteLine(report.ToString());
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(PluginId, report.PluginId);
        Assert.Equal(AllChecks, report.Checks.Select(c => c.Name));
        Assert.Contains(listensOn, report["handshake"]!.Message, StringComparison.Ordinal);
        Assert.Equal("the process exited when the host closed its stdin", report["exit on stdin close"]!.Message);
    }

    [Fact]
    public async Task The_python_sample_started_by_hand_says_it_is_a_plugin_and_exits_with_code_1()
    {
        await PythonPlugin.EnsureBuiltAsync();

        var (code, stdout, stderr) = await PythonPlugin.RunAsync(new Dictionary<string, string>(), Path.Combine(PythonPlugin.Directory, "launch.sh"));

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("This program is a Plugboard plugin", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_python_sample_refuses_a_host_that_offers_no_version_it_speaks()
    {
        await PythonPlugin.EnsureBuiltAsync();

        var (code, stdout, stderr) = await PythonPlugin.RunAsync(
            new Dictionary<string, string> { [CookieKey] = CookieValue, ["PLUGIN_PROTOCOL_VERSIONS"] = "2, 3" }, Path.Combine(PythonPlugin.Directory, "launch.sh"));

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, stdout);
        Assert.Contains("speaks app protocol 1; the host offered 2,3", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PluginTransport.UnixSocket)]
    [InlineData(PluginTransport.Tcp)]
    public async Task The_minimal_python_example_of_the_protocol_document_conforms_and_serves_its_user(PluginTransport transport)
    {
        await PythonPlugin.EnsureBuiltAsync();
        var python = await PythonPlugin.FindInterpreterAsync();
        var document = await File.ReadAllTextAsync(Path.Combine(TestPaths.RepositoryRoot, "docs", "protocol.md"));
        var example = Assert.Single(PythonBlock().Matches(document)).Groups["code"].Value;
        using var folder = PluginFolder.Create("custom-doc-python", "process", $"\"{python}\" -B plugin.py");
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "plugin.py"), example);
        CopyDirectory(PythonPlugin.Generated, Path.Combine(folder.Path, "gen"));

        var report = await new PluginConformance(TestPlugins.Options(o => o.Transport = transport), _logger).RunAsync(folder.Path);

        output.WriteLine(report.ToString());
        Assert.True(report.Passed, report.ToString());
        Assert.Equal(DocumentExampleChecks, report.Checks.Select(c => c.Name));
        await using var provider = BuildHost(transport: transport);
        var host = provider.GetRequiredService<PluginHost>();
        await host.StartAsync();
        var status = await host.LoadAsync(folder.Path);
        Assert.True(status.IsActive, status.Error);
        var user = Assert.Single(await host.Registry<IDataSource>().Get("custom-doc-python").GetUsersAsync().ToListAsync());
        Assert.Equal("ada", user.UserName);
    }

    private ServiceProvider BuildHost(Action<PlugboardOptions>? configure = null, PluginTransport transport = PluginTransport.UnixSocket)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(_logger).SetMinimumLevel(LogLevel.Debug));
        services.AddPlugboard(options => configure?.Invoke(options))
            .AddRpcContract<IDataSource>(invoker => new DataSourceRpcClient(invoker))
            .AddRpcRuntimes(options =>
            {
                options.HealthCheckInterval = TimeSpan.FromSeconds(1);
                options.Transport = transport;
            });
        return services.BuildServiceProvider();
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*.py", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    [GeneratedRegex("^```python\\n(?<code>.*?)^```$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex PythonBlock();
}

using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Health.V1;
using Plugboard.Hosting.Rpc.Conformance;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Plugboard.Rpc.Protocol;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>
/// <c>plugboard test</c> calls every method of the contracts the manifest declares, on real C# and Node plugins that
/// behave, hang or crash in one method.
/// </summary>
public sealed class ContractMethodTests(ITestOutputHelper output)
{
    private static readonly string[] DataSourceMethods =
        ["method usersync.v1.DataSource/ListDepartments", "method usersync.v1.DataSource/ListUsers", "method usersync.v1.DataSource/TestConnection"];

    private readonly TestLogger _logger = new(output);

    private static ConformanceOptions WithDataSourceDescriptors(bool strict = false)
    {
        var options = new ConformanceOptions { Strict = strict, MethodTimeout = TimeSpan.FromSeconds(3) };
        options.ContractDescriptors.Add(DatasourceReflection.Descriptor);
        return options;
    }

    private async Task<ConformanceReport> RunAsync(string directory, ConformanceOptions options)
    {
        var report = await new PluginConformance(TestPlugins.Options(), _logger, options).RunAsync(directory);
        output.WriteLine(report.ToString());
        return report;
    }

    [Fact]
    public async Task Every_method_of_a_good_csharp_plugin_is_called_and_passes()
    {
        // The SDK test plugin ships no descriptors: the host's generated ones are used.
        using var folder = PluginFolder.Create("custom-good", "process", TestPaths.SdkTestPluginEntry("serve"));

        var report = await RunAsync(folder.Path, WithDataSourceDescriptors());

        Assert.True(report.Passed, report.ToString());
        Assert.Equal(DataSourceMethods, report.Checks.Where(c => c.Name.StartsWith("method ", StringComparison.Ordinal)).Select(c => c.Name));
        Assert.Contains("streamed", report["method usersync.v1.DataSource/ListUsers"]!.Message, StringComparison.Ordinal);
        Assert.Contains("still serves", report["method usersync.v1.DataSource/TestConnection"]!.Message, StringComparison.Ordinal);
        Assert.True(report["exit on stdin close"]!.Passed);
    }

    [Fact]
    public async Task A_csharp_plugin_that_hangs_in_a_method_fails_that_method()
    {
        using var folder = PluginFolder.Create("custom-hangs", "process", TestPaths.SdkTestPluginEntry("hang"));

        var report = await RunAsync(folder.Path, WithDataSourceDescriptors());

        Assert.False(report.Passed);
        var hung = report["method usersync.v1.DataSource/TestConnection"]!;
        Assert.False(hung.Passed);
        Assert.Contains("did not answer within 3 s", hung.Message, StringComparison.Ordinal);
        Assert.True(report["method usersync.v1.DataSource/ListUsers"]!.Passed, report.ToString());
        Assert.True(report["exit on stdin close"]!.Passed);
    }

    [Fact]
    public async Task A_csharp_plugin_that_crashes_in_a_method_fails_that_method_with_the_exit()
    {
        using var folder = PluginFolder.Create("custom-crashes", "process", TestPaths.SdkTestPluginEntry("crash"));

        var report = await RunAsync(folder.Path, WithDataSourceDescriptors());

        Assert.False(report.Passed);
        Assert.True(report["method usersync.v1.DataSource/ListDepartments"]!.Passed, report.ToString());
        var crashed = report["method usersync.v1.DataSource/ListUsers"]!;
        Assert.False(crashed.Passed);
        Assert.Contains("stopped serving during this call", crashed.Message, StringComparison.Ordinal);
        Assert.Contains("not called: the plugin stopped serving in ListUsers", report["method usersync.v1.DataSource/TestConnection"]!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_good_node_plugin_passes_with_the_descriptor_set_it_ships()
    {
        await NodePackages.EnsureInstalledAsync(TestPaths.InteropNodeDirectory);
        using var folder = NodePlugin(fault: null);

        var report = await RunAsync(folder.Path, new ConformanceOptions { MethodTimeout = TimeSpan.FromSeconds(3) });

        Assert.True(report.Passed, report.ToString());
        Assert.Equal(DataSourceMethods, report.Checks.Where(c => c.Name.StartsWith("method ", StringComparison.Ordinal)).Select(c => c.Name));
    }

    [Theory]
    [InlineData("hang:listUsers", "method usersync.v1.DataSource/ListUsers", "did not answer within 3 s")]
    [InlineData("crash:testConnection", "method usersync.v1.DataSource/TestConnection", "stopped serving during this call")]
    public async Task A_node_plugin_that_misbehaves_in_a_method_fails_that_method(string fault, string method, string expected)
    {
        await NodePackages.EnsureInstalledAsync(TestPaths.InteropNodeDirectory);
        using var folder = NodePlugin(fault);

        var report = await RunAsync(folder.Path, new ConformanceOptions { MethodTimeout = TimeSpan.FromSeconds(3) });

        Assert.False(report.Passed);
        Assert.False(report[method]!.Passed);
        Assert.Contains(expected, report[method]!.Message, StringComparison.Ordinal);
        Assert.True(report["method usersync.v1.DataSource/ListDepartments"]!.Passed, report.ToString());
    }

    [Fact]
    public async Task Without_descriptors_the_contract_is_a_warning_and_fails_with_strict()
    {
        using var folder = PluginFolder.Create("custom-no-descriptors", "process", TestPaths.SdkTestPluginEntry("serve"));

        var lenient = await RunAsync(folder.Path, new ConformanceOptions());
        var strict = await RunAsync(folder.Path, new ConformanceOptions { Strict = true });

        Assert.True(lenient.Passed, lenient.ToString());
        Assert.StartsWith("WARNING: its methods were not called: no descriptors of the service usersync.vN.datasource", lenient["contract usersync.datasource"]!.Message, StringComparison.Ordinal);
        Assert.False(strict["contract usersync.datasource"]!.Passed);
        Assert.DoesNotContain(strict.Checks, c => c.Name.StartsWith("method ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sample_request_that_does_not_fit_the_message_fails_the_method_naming_the_file()
    {
        await NodePackages.EnsureInstalledAsync(TestPaths.InteropNodeDirectory);
        using var folder = NodePlugin(fault: null);
        var requests = Directory.CreateDirectory(Path.Combine(folder.Path, "examples", "requests", "usersync.v1.DataSource"));
        await File.WriteAllTextAsync(Path.Combine(requests.FullName, "ListUsers.json"), """{ "pageSize": 10 }""");
        await File.WriteAllTextAsync(Path.Combine(requests.FullName, "TestConnection.json"), "{}");

        var report = await RunAsync(folder.Path, new ConformanceOptions { MethodTimeout = TimeSpan.FromSeconds(3) });

        var listUsers = report["method usersync.v1.DataSource/ListUsers"]!;
        Assert.False(listUsers.Passed);
        Assert.Contains("examples/requests/usersync.v1.DataSource/ListUsers.json does not fit usersync.v1.ListUsersRequest", listUsers.Message, StringComparison.Ordinal);
        Assert.Contains("pageSize", listUsers.Message, StringComparison.Ordinal);
        Assert.Contains("sent examples/requests/usersync.v1.DataSource/TestConnection.json", report["method usersync.v1.DataSource/TestConnection"]!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_samples_are_encoded_from_descriptors_without_generated_code()
    {
        // Descriptors rebuilt from bytes, as from a plugin's .protoset: no generated types behind them.
        var built = FileDescriptor.BuildFromByteStrings(Closure(HealthReflection.Descriptor, PluginReflection.Descriptor).Select(f => f.SerializedData));
        var health = built.Single(f => f.Name == HealthReflection.Descriptor.Name).FindTypeByName<MessageDescriptor>("HealthCheckResponse");
        var verify = built.Single(f => f.Name == PluginReflection.Descriptor.Name).FindTypeByName<MessageDescriptor>("VerifyResponse");
        Assert.Null(health.Parser);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, HealthCheckResponse.Parser.ParseFrom(SampleRequests.Encode("""{ "status": "NOT_SERVING" }""", health)).Status);
        var decoded = VerifyResponse.Parser.ParseFrom(SampleRequests.Encode("""{ "ready": true, "reason": "all good" }""", verify));
        Assert.True(decoded.Ready);
        Assert.Equal("all good", decoded.Reason);
        Assert.Throws<FormatException>(() => SampleRequests.Encode("""{ "ready": "yes" }""", verify));
    }

    /// <summary>A Node plugin folder whose entry runs tests/interop-node/misbehaving-plugin.js, shipping examples/datasource.protoset.</summary>
    private static PluginFolder NodePlugin(string? fault)
    {
        var script = Path.Combine(TestPaths.InteropNodeDirectory, "misbehaving-plugin.js");
        var folder = PluginFolder.Create("custom-node-methods", "process", $"node \"{script}\"{(fault is null ? string.Empty : " " + fault)}");
        var set = new FileDescriptorSet();
        set.File.AddRange(Closure(DatasourceReflection.Descriptor).Select(f => FileDescriptorProto.Parser.ParseFrom(f.SerializedData)));
        Directory.CreateDirectory(Path.Combine(folder.Path, "examples"));
        File.WriteAllBytes(Path.Combine(folder.Path, "examples", "datasource.protoset"), set.ToByteArray());
        return folder;
    }

    private static List<FileDescriptor> Closure(params FileDescriptor[] files)
    {
        var ordered = new List<FileDescriptor>();
        void Add(FileDescriptor file)
        {
            if (ordered.Any(f => f.Name == file.Name))
            {
                return;
            }

            foreach (var dependency in file.Dependencies)
            {
                Add(dependency);
            }

            ordered.Add(file);
        }

        foreach (var file in files)
        {
            Add(file);
        }

        return ordered;
    }
}

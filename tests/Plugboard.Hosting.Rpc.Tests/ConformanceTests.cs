using Plugboard.Hosting.Rpc.Conformance;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>The checks of <c>plugboard test PLUGIN</c> on real plugins.</summary>
public sealed class ConformanceTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task The_csharp_process_sample_conforms()
    {
        var report = await new PluginConformance(TestPlugins.Options(), _logger).RunAsync(TestPaths.CSharpProcessDirectory);

        output.WriteLine(report.ToString());
        Assert.True(report.Passed, report.ToString());
        Assert.Equal("custom-csv-process", report.PluginId);
        Assert.Equal(
            ["manifest", "sample configuration", "handshake", "health", "init", "verify", "unknown method", "deadline",
             "method usersync.v1.DataSource/ListDepartments", "method usersync.v1.DataSource/ListUsers", "method usersync.v1.DataSource/TestConnection",
             "shutdown", "exit on stdin close"],
            report.Checks.Select(c => c.Name));
        Assert.Contains("examples/config.json is valid", report["sample configuration"]!.Message, StringComparison.Ordinal);
        // The sample ships the contract's descriptors (examples/datasource.protoset): every method is called.
        Assert.Contains("sent an empty ListUsersRequest", report["method usersync.v1.DataSource/ListUsers"]!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_node_sample_conforms()
    {
        await NodePackages.EnsureInstalledAsync(TestPaths.NodeDataSourceDirectory);

        var report = await new PluginConformance(TestPlugins.Options(), _logger).RunAsync(TestPaths.NodeDataSourceDirectory);

        output.WriteLine(report.ToString());
        Assert.True(report.Passed, report.ToString());
    }

    [Fact]
    public async Task A_plugin_not_ready_with_the_sample_configuration_fails_verify_with_its_reason()
    {
        using var folder = PluginFolder.Create("custom-not-ready", "process", TestPaths.SdkTestPluginEntry("not-ready"));

        var report = await new PluginConformance(TestPlugins.Options(), _logger).RunAsync(folder.Path);

        Assert.False(report.Passed);
        Assert.False(report["verify"]!.Passed);
        Assert.Contains("the test plugin was told not to be ready", report["verify"]!.Message, StringComparison.Ordinal);
        Assert.True(report["init"]!.Passed);
        Assert.True(report["exit on stdin close"]!.Passed);
    }

    [Fact]
    public async Task A_plugin_that_cannot_start_fails_the_handshake_check_with_the_reason()
    {
        using var folder = PluginFolder.Create("custom-exits", "process", TestPaths.SdkTestPluginEntry("exit-early"));

        var report = await new PluginConformance(TestPlugins.Options(), _logger).RunAsync(folder.Path);

        Assert.False(report.Passed);
        Assert.Equal("handshake", report.Checks[^1].Name);
        Assert.Contains("exited with code 3", report.Checks[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sample_configuration_that_does_not_fit_the_schema_is_reported()
    {
        var report = await new PluginConformance(TestPlugins.Options(), _logger)
            .RunAsync(TestPaths.CSharpProcessDirectory, new System.Text.Json.Nodes.JsonObject { ["usersFile"] = 42 });

        Assert.False(report["sample configuration"]!.Passed);
        Assert.Contains("usersFile", report["sample configuration"]!.Message, StringComparison.Ordinal);
        // Init with a configuration the host would refuse proves nothing: the checks stop there.
        Assert.Null(report["handshake"]);
        Assert.Null(report["init"]);
    }

    [Fact]
    public async Task Stdout_lines_before_the_handshake_are_a_warning_and_fail_with_strict()
    {
        using var folder = PluginFolder.Create("custom-noisy", "process", TestPaths.SdkTestPluginEntry("noise"));

        var lenient = await new PluginConformance(TestPlugins.Options(), _logger).RunAsync(folder.Path);
        var strict = await new PluginConformance(TestPlugins.Options(), _logger, strict: true).RunAsync(folder.Path);

        Assert.True(lenient.Passed, lenient.ToString());
        Assert.StartsWith("WARNING: printed 5 line(s) on stdout before its handshake line (first: 'warming up the cache, step 0')", lenient["stdout before the handshake"]!.Message, StringComparison.Ordinal);
        Assert.Contains("--strict", lenient["stdout before the handshake"]!.Message, StringComparison.Ordinal);
        Assert.False(strict.Passed);
        Assert.False(strict["stdout before the handshake"]!.Passed);
        Assert.Contains("MUST NOT", strict["stdout before the handshake"]!.Message, StringComparison.Ordinal);
    }
}

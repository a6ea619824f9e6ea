using System.Diagnostics;
using System.Text.Json.Nodes;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>A real @grpc/grpc-js client (tests/interop-node/client.js) calls a C# plugin built with the SDK.</summary>
public sealed class InteropTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Theory]
    [InlineData(PluginTransport.UnixSocket)]
    [InlineData(PluginTransport.Tcp)]
    public async Task A_node_grpc_client_calls_a_csharp_sdk_plugin(PluginTransport transport)
    {
        await NodePackages.EnsureInstalledAsync(TestPaths.InteropNodeDirectory);
        await using var plugin = TestPlugins.Sdk("hang", _logger, TestPlugins.Options(o => o.Transport = transport));
        await plugin.StartAsync(CancellationToken.None);
        var target = plugin.Address!.StartsWith("http://", StringComparison.Ordinal) ? plugin.Address["http://".Length..] : plugin.Address;

        var results = await RunClientAsync(target);

        Assert.Equal(0, (int)results["init"]!["code"]!);
        var configuration = (string?)results["init"]!["response"]!["metadata"]!["fields"]!["configuration"]!["stringValue"];
        Assert.Contains("ldap://directory.test", configuration, StringComparison.Ordinal);
        Assert.Equal(0, (int)results["verify"]!["code"]!);
        Assert.True((bool)results["verify"]!["response"]!["ready"]!);
        Assert.Equal(0, (int)results["shutdown"]!["code"]!);
        Assert.Equal(0, (int)results["listUsers"]!["code"]!);
        Assert.Equal(5, results["listUsers"]!["messages"]!.AsArray().Count);
        Assert.Equal("t-child", (string?)results["listUsers"]!["messages"]![0]!["departmentId"]);
        Assert.Equal(4, (int)results["deadline"]!["code"]!); // DEADLINE_EXCEEDED: the plugin's TestConnection hangs
        Assert.Equal("SERVING", (string?)results["health"]!["response"]!["status"]);
        Assert.Equal(5, (int)results["healthUnknown"]!["code"]!); // NOT_FOUND
    }

    private static async Task<JsonNode> RunClientAsync(string target)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = TestPaths.InteropNodeDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("client.js");
        info.ArgumentList.Add(target);
        using var client = Process.Start(info)!;
        var stdout = client.StandardOutput.ReadToEndAsync();
        var stderr = client.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await client.WaitForExitAsync(timeout.Token);
        Assert.True(client.ExitCode == 0, $"node client.js failed: {await stderr}");
        return JsonNode.Parse(await stdout)!;
    }
}

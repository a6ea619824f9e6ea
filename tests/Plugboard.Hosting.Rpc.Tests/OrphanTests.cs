using System.Globalization;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>
/// A host killed with SIGKILL cannot stop its plugins: they see their stdin close and exit on their own (and the
/// host's watchdog kills those that do not, see GoPluginTests), so no plugin process outlives its host.
/// </summary>
public sealed class OrphanTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_csharp_plugin_exits_when_its_host_is_killed()
    {
        await AssertPluginDiesWithHostAsync(TestPaths.SdkTestPluginDirectory, TestPaths.SdkTestPluginEntry("serve"));
    }

    [Fact]
    public async Task The_node_plugin_exits_when_its_host_is_killed()
    {
        await NodePackages.EnsureInstalledAsync(TestPaths.NodeDataSourceDirectory);
        await AssertPluginDiesWithHostAsync(TestPaths.NodeDataSourceDirectory, "node index.js");
    }

    private async Task AssertPluginDiesWithHostAsync(string directory, string entry)
    {
        using var host = ChildProcess.Start("dotnet", TestPaths.TestHostDll, directory, entry);
        var stderr = host.Process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var line = await host.Process.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.True(line is not null && line.StartsWith("PLUGIN_PID=", StringComparison.Ordinal), $"the test host printed '{line}'; stderr: {(host.HasExited ? await stderr : "")}");
        var pluginPid = int.Parse(line!["PLUGIN_PID=".Length..], CultureInfo.InvariantCulture);
        Assert.True(ProcessProbe.IsRunning(pluginPid));
        var address = (await host.Process.StandardOutput.ReadLineAsync(timeout.Token))!["PLUGIN_ADDRESS=".Length..];
        var socketDirectory = Path.GetDirectoryName(new Uri(address).LocalPath)!;

        // SIGKILL: the host runs no code at all, so only the plugin's own stdin watch can end it.
        host.Process.Kill(entireProcessTree: false);

        var gone = await ProcessProbe.WaitUntilGoneAsync(pluginPid, TimeSpan.FromSeconds(30));
        if (!gone)
        {
            ProcessProbe.Kill(pluginPid);
        }

        output.WriteLine($"plugin pid {pluginPid} gone after the host was killed: {gone}");
        Assert.True(gone, $"plugin process {pluginPid} still runs after its host was killed");

        // A killed host cannot remove the socket folder it made: its watchdog does.
        await Eventually.HoldsAsync(() => !Directory.Exists(socketDirectory), () => $"the socket folder {socketDirectory} is still there");
    }
}

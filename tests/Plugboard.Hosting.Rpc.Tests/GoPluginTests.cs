using System.Globalization;
using Grpc.Core;
using Plugboard.Hosting.Rpc.Conformance;
using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Plugboard.Rpc.Protocol;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>
/// A plugin written on HashiCorp's go-plugin (tests/go-plugin, built with Debian's Go packages) as docs/protocol.md
/// says: it prints six handshake fields with an empty sixth, makes its socket in the system's temporary folder
/// instead of PLUGIN_UNIX_SOCKET_DIR, and does not exit when its stdin closes. The host serves it all the same and
/// leaves neither process nor socket behind.
/// </summary>
public sealed class GoPluginTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task A_go_plugin_serves_its_contract_and_leaves_no_socket_when_stopped()
    {
        if (await GoPlugin.EnsureBuiltAsync() is { } missing)
        {
            output.WriteLine($"not run: {missing}");
            return;
        }

        var connection = TestPlugins.Create(GoPlugin.Entry, GoPlugin.Directory, _logger);
        await connection.StartAsync(CancellationToken.None);
        var socket = new Uri(connection.Address!).LocalPath;
        await new Plugin.PluginClient(connection.CallInvoker).InitAsync(new InitRequest
        {
            PluginId = "custom-go-directory",
            Version = "1.0.0",
            Configuration = Google.Protobuf.WellKnownTypes.Struct.Parser.ParseJson("""{ "userPrefix": "x-" }"""),
        });
        var users = new List<string>();
        using (var call = new DataSource.DataSourceClient(connection.CallInvoker).ListUsers(new ListUsersRequest()))
        {
            await foreach (var user in call.ResponseStream.ReadAllAsync())
            {
                users.Add(user.UserName);
            }
        }

        Assert.Equal(["x-gopher1", "x-gopher2", "x-gopher3"], users);
        Assert.True(File.Exists(socket), $"go-plugin's socket {socket}");
        var pid = connection.ProcessId!.Value;

        await connection.StopAsync(CancellationToken.None);

        // go-plugin does not watch stdin: it stops on SIGTERM, and the host removes the socket it leaves.
        Assert.Equal(PluginStopOutcome.ExitedOnSigterm, connection.StopOutcome);
        Assert.False(ProcessProbe.IsRunning(pid));
        Assert.False(File.Exists(socket), $"the socket {socket} outlived the plugin");
    }

    [Fact]
    public async Task A_crashed_go_plugin_is_restarted_and_its_old_socket_removed()
    {
        if (await GoPlugin.EnsureBuiltAsync() is { } missing)
        {
            output.WriteLine($"not run: {missing}");
            return;
        }

        await using var connection = TestPlugins.Create(GoPlugin.Entry, GoPlugin.Directory, _logger);
        await connection.StartAsync(CancellationToken.None);
        var first = new Uri(connection.Address!).LocalPath;

        ProcessProbe.Kill(connection.ProcessId!.Value);
        await Eventually.HoldsAsync(() => connection.Restarts == 1 && connection.State == RpcPluginState.Serving, () => $"state {connection.State}: {connection.Reason}");

        Assert.NotEqual(first, new Uri(connection.Address!).LocalPath);
        Assert.False(File.Exists(first), $"the killed process's socket {first} was left behind");
        var answer = await new DataSource.DataSourceClient(connection.CallInvoker).TestConnectionAsync(new TestConnectionRequest());
        Assert.True(answer.Ok);
    }

    [Fact]
    public async Task A_go_plugin_is_killed_by_the_hosts_watchdog_when_its_host_is_killed()
    {
        if (await GoPlugin.EnsureBuiltAsync() is { } missing)
        {
            output.WriteLine($"not run: {missing}");
            return;
        }

        using var host = ChildProcess.Start("dotnet", TestPaths.TestHostDll, GoPlugin.Directory, GoPlugin.Entry);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var line = await host.Process.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.True(line is not null && line.StartsWith("PLUGIN_PID=", StringComparison.Ordinal), $"the test host printed '{line}'");
        var pid = int.Parse(line!["PLUGIN_PID=".Length..], CultureInfo.InvariantCulture);
        var socket = new Uri((await host.Process.StandardOutput.ReadLineAsync(timeout.Token))!["PLUGIN_ADDRESS=".Length..]).LocalPath;

        // SIGKILL: the host runs no code, and go-plugin ignores its stdin closing; only the watchdog is left.
        host.Process.Kill(entireProcessTree: false);

        var gone = await ProcessProbe.WaitUntilGoneAsync(pid, TimeSpan.FromSeconds(30));
        if (!gone)
        {
            ProcessProbe.Kill(pid);
        }

        Assert.True(gone, $"go-plugin process {pid} still runs after its host was killed");
        await Eventually.HoldsAsync(() => !File.Exists(socket), () => $"the socket {socket} is still there");
    }

    [Fact]
    public async Task The_go_plugin_passes_plugboard_test_with_a_warning_that_it_ignores_stdin()
    {
        if (await GoPlugin.EnsureBuiltAsync() is { } missing)
        {
            output.WriteLine($"not run: {missing}");
            return;
        }

        var lenient = await new PluginConformance(TestPlugins.Options(), _logger).RunAsync(GoPlugin.Directory);
        output.WriteLine(lenient.ToString());
        var strict = await new PluginConformance(TestPlugins.Options(), _logger, strict: true).RunAsync(GoPlugin.Directory);

        Assert.True(lenient.Passed, lenient.ToString());
        Assert.True(lenient["method usersync.v1.DataSource/ListUsers"]!.Passed);
        Assert.Contains("examples/config.json is valid", lenient["sample configuration"]!.Message, StringComparison.Ordinal);
        Assert.StartsWith("WARNING: the process exited only on SIGTERM", lenient["exit on stdin close"]!.Message, StringComparison.Ordinal);
        Assert.False(strict["exit on stdin close"]!.Passed);
    }
}

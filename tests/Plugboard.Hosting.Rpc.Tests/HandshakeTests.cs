using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>How the host starts a process plugin and reads its handshake line.</summary>
public sealed class HandshakeTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task A_plugin_announcing_a_unix_socket_is_called_over_it()
    {
        await using var plugin = TestPlugins.Sdk("serve", _logger);
        await plugin.StartAsync(CancellationToken.None);

        Assert.Equal(RpcPluginState.Serving, plugin.State);
        Assert.StartsWith("unix://", plugin.Address, StringComparison.Ordinal);
        var result = await new DataSourceRpcClient(plugin.CallInvoker).TestConnectionAsync();
        Assert.True(result.Ok);
    }

    [Fact]
    public async Task A_plugin_told_to_use_tcp_listens_on_loopback_in_the_port_range()
    {
        await using var plugin = TestPlugins.Sdk("serve", _logger, TestPlugins.Options(o =>
        {
            o.Transport = PluginTransport.Tcp;
            o.MinPort = 20000;
            o.MaxPort = 20999;
        }));
        await plugin.StartAsync(CancellationToken.None);

        var port = new Uri(plugin.Address!).Port;
        Assert.StartsWith("http://127.0.0.1:", plugin.Address, StringComparison.Ordinal);
        Assert.InRange(port, 20000, 20999);
        Assert.True((await new DataSourceRpcClient(plugin.CallInvoker).TestConnectionAsync()).Ok);
    }

    [Fact]
    public async Task Lines_on_stdout_before_the_handshake_are_logged_as_noise_and_skipped()
    {
        await using var plugin = TestPlugins.Sdk("noise", _logger);
        await plugin.StartAsync(CancellationToken.None);

        Assert.Equal(RpcPluginState.Serving, plugin.State);
        Assert.Contains(_logger.Lines, l => l.Contains("ignoring stdout line before the handshake", StringComparison.Ordinal) && l.Contains("warming up the cache, step 4", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Too_many_lines_without_a_handshake_fail_the_start()
    {
        await using var plugin = TestPlugins.Sdk("too-noisy", _logger);

        var error = await Assert.ThrowsAsync<PluginStartException>(() => plugin.StartAsync(CancellationToken.None));
        Assert.Contains("lines on stdout without a handshake line", error.Message, StringComparison.Ordinal);
        Assert.Contains("log on stderr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_that_exits_before_its_handshake_fails_with_its_exit_code_and_last_stderr_lines()
    {
        await using var plugin = TestPlugins.Sdk("exit-early", _logger);

        var error = await Assert.ThrowsAsync<PluginStartException>(() => plugin.StartAsync(CancellationToken.None));
        Assert.Contains("exited with code 3 before its handshake", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot open /nonexistent/directory.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_answering_an_unsupported_app_protocol_version_is_refused_and_stopped()
    {
        await using var plugin = TestPlugins.Sdk("bad-version", _logger);

        var error = await Assert.ThrowsAsync<PluginStartException>(() => plugin.StartAsync(CancellationToken.None));
        Assert.Contains("app protocol version 99", error.Message, StringComparison.Ordinal);
        Assert.Contains("offered only 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_that_never_answers_fails_after_the_start_timeout()
    {
        await using var plugin = TestPlugins.Sdk("silent", _logger, TestPlugins.Options(o => o.StartTimeout = TimeSpan.FromSeconds(2)));

        var error = await Assert.ThrowsAsync<PluginStartException>(() => plugin.StartAsync(CancellationToken.None));
        Assert.Contains("printed no handshake line within 2 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_program_fails_with_what_to_check()
    {
        await using var plugin = TestPlugins.Create("no-such-program-4711 --serve", TestPaths.SdkTestPluginDirectory, _logger);

        var error = await Assert.ThrowsAsync<PluginStartException>(() => plugin.StartAsync(CancellationToken.None));
        Assert.Contains("could not start 'no-such-program-4711 --serve'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_plugin_refuses_to_run_without_the_magic_cookie()
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(TestPaths.SdkTestPluginDll);
        info.Environment.Remove(Plugboard.Rpc.Handshake.PluginHandshake.MagicCookieKey);
        using var process = System.Diagnostics.Process.Start(info)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(1, process.ExitCode);
        Assert.Empty(stdout);
        Assert.Contains("This program is a Plugboard plugin", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Automatic_mutual_tls_exchanges_certificates_in_the_handshake()
    {
        await using var plugin = TestPlugins.Sdk("serve", _logger, TestPlugins.Options(o => o.AutoMutualTls = true));
        await plugin.StartAsync(CancellationToken.None);

        Assert.True((await new DataSourceRpcClient(plugin.CallInvoker).TestConnectionAsync()).Ok);
        // A client without the host's certificate gets nowhere: the plugin accepts only the host.
        using var stranger = Plugboard.Hosting.Rpc.Channels.PluginChannel.ForAddress(plugin.Address!, new Plugboard.Hosting.Rpc.Channels.PluginChannelSettings());
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => new DataSourceRpcClient(stranger.Invoker).TestConnectionAsync());
        Assert.Equal(Grpc.Core.StatusCode.Unavailable, error.StatusCode);
    }
}

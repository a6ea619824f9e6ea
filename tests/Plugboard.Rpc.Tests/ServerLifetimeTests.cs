using Plugboard.Rpc.Client;
using Plugboard.Rpc.Server;
using Plugboard.Rpc.Tests.Infrastructure;

namespace Plugboard.Rpc.Tests;

public sealed class ServerLifetimeTests
{
    [Fact]
    public async Task A_tcp_server_on_port_0_reports_the_port_it_bound_on_loopback()
    {
        await using var server = await RpcServer.StartAsync(new RpcServerOptions(), services => services.AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r)));

        Assert.Equal(RpcEndpoint.TcpNetwork, server.Endpoint.Network);
        Assert.StartsWith("127.0.0.1:", server.Endpoint.Address, StringComparison.Ordinal);
        Assert.NotEqual("127.0.0.1:0", server.Endpoint.Address);
        Assert.Equal("http://" + server.Endpoint.Address, server.Address);
    }

    [Fact]
    public async Task A_unix_socket_server_removes_its_socket_when_stopped()
    {
        using var directory = new TempDirectory();
        var path = directory.File("rpc.sock");
        var server = await RpcServer.StartAsync(new RpcServerOptions { UnixSocketPath = path }, services => services.AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r)));
        Assert.True(File.Exists(path));
        Assert.Equal("unix://" + path, server.Address);

        await server.DisposeAsync();

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_server_refuses_a_socket_path_that_is_taken_and_leaves_the_file_alone()
    {
        using var directory = new TempDirectory();
        var path = directory.File("taken.sock");
        await File.WriteAllTextAsync(path, "not a socket");

        var error = await Assert.ThrowsAsync<IOException>(() => RpcServer.StartAsync(new RpcServerOptions { UnixSocketPath = path }, _ => { }));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Equal("not a socket", await File.ReadAllTextAsync(path));
    }

    [Theory]
    [InlineData("127.0.0.1:5000")]
    [InlineData("ftp://127.0.0.1:5000")]
    [InlineData("unix:")]
    [InlineData("unix://")]
    public void A_channel_address_that_is_not_http_https_or_unix_is_refused(string address)
    {
        Assert.Throws<ArgumentException>(() => RpcChannel.ForAddress(address));
    }
}

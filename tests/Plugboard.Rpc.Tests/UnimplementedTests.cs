using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class UnimplementedTests
{
    [Fact]
    public async Task A_method_the_server_does_not_serve_ends_with_Unimplemented()
    {
        await using var server = await TestServer.StartAsync(services => services.AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r)));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Missing, new User()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("/plugboard.test.Echo/Missing", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_the_server_does_not_serve_ends_with_Unimplemented()
    {
        await using var server = await TestServer.StartAsync(services => services.AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r)));

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in new DataSourceClient(server.Channel).ListUsersAsync(new ListUsersRequest()))
            {
            }
        });

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("usersync.v1.DataSource", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Registering_a_method_twice_is_refused()
    {
        var services = new Server.RpcServiceBuilder().AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r));

        Assert.Throws<InvalidOperationException>(() => services.AddUnary(EchoMethods.Echo, (r, _) => Task.FromResult(r)));
    }

    [Fact]
    public void Registering_a_method_with_the_wrong_kind_of_handler_is_refused()
    {
        var services = new Server.RpcServiceBuilder();

        Assert.Throws<ArgumentException>(() => services.AddUnary(EchoMethods.Expand, (r, _) => Task.FromResult(r)));
    }
}

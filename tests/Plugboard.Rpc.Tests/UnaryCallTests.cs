using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class UnaryCallTests
{
    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_unary_call_returns_the_handlers_response(Transport transport)
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, _) => Task.FromResult(new User { Id = request.Id, DisplayName = "Hello " + request.DisplayName })),
            transport);

        var response = await server.Invoker.UnaryAsync(EchoMethods.Echo, EchoMethods.UserNamed("ada"));

        Assert.Equal("ada", response.Id);
        Assert.Equal("Hello ada", response.DisplayName);
    }

    [Fact]
    public async Task An_empty_request_message_reaches_the_handler()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, _) => Task.FromResult(new User { Id = request.Id == string.Empty ? "was-empty" : request.Id })));

        var response = await server.Invoker.UnaryAsync(EchoMethods.Echo, new User());

        Assert.Equal("was-empty", response.Id);
    }

    [Fact]
    public async Task An_empty_response_message_reaches_the_client()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (_, _) => Task.FromResult(new User())));

        var response = await server.Invoker.UnaryAsync(EchoMethods.Echo, EchoMethods.UserNamed("x"));

        Assert.Equal(new User(), response);
    }

    [Fact]
    public async Task Calling_an_address_where_nothing_listens_fails_with_Unavailable()
    {
        using var directory = new TempDirectory();
        using var channel = Client.RpcChannel.ForAddress("unix://" + directory.File("nobody.sock"));

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.CallInvoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }
}

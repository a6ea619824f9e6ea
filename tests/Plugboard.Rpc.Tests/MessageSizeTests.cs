using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class MessageSizeTests
{
    private static User UserOfSize(int bytes) => new() { DisplayName = new string('x', bytes) };

    [Fact]
    public async Task A_request_larger_than_the_servers_limit_ends_with_ResourceExhausted_without_calling_the_handler()
    {
        var called = false;
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, _) =>
            {
                called = true;
                return Task.FromResult(new User());
            }),
            configureServer: options => options.MaxReceiveMessageSize = 64 * 1024,
            configureChannel: options => options.MaxSendMessageSize = null);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, UserOfSize(1024 * 1024)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.False(called);
    }

    [Fact]
    public async Task A_response_larger_than_the_clients_limit_ends_with_ResourceExhausted()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (_, _) => Task.FromResult(UserOfSize(256 * 1024))),
            configureChannel: options => options.MaxReceiveMessageSize = 64 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task A_response_larger_than_the_servers_send_limit_ends_with_ResourceExhausted()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (_, _) => Task.FromResult(UserOfSize(5 * 1024 * 1024))),
            configureChannel: options => options.MaxReceiveMessageSize = null);

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, new User()));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task A_request_larger_than_the_clients_send_limit_fails_before_it_is_sent()
    {
        var called = false;
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, _) =>
            {
                called = true;
                return Task.FromResult(request);
            }));

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.UnaryAsync(EchoMethods.Echo, UserOfSize(5 * 1024 * 1024)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.False(called);
    }

    [Fact]
    public async Task An_oversized_message_in_a_client_stream_ends_the_call_with_ResourceExhausted()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddClientStreaming(EchoMethods.Collect, async (requests, context) =>
            {
                var count = 0;
                await foreach (var _ in requests)
                {
                    count++;
                }

                return new User { Id = count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }),
            configureChannel: options => options.MaxSendMessageSize = 64 * 1024);

        async IAsyncEnumerable<User> Requests()
        {
            yield return UserOfSize(10);
            await Task.Yield();
            yield return UserOfSize(128 * 1024);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => server.Invoker.ClientStreamingAsync(EchoMethods.Collect, Requests()));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Messages_just_under_the_default_limit_pass_both_ways()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, _) => Task.FromResult(request)));

        var big = UserOfSize(4 * 1024 * 1024 - 16);
        var response = await server.Invoker.UnaryAsync(EchoMethods.Echo, big);

        Assert.Equal(big.DisplayName.Length, response.DisplayName.Length);
    }
}

using Grpc.Core;
using Plugboard.Hosting.Rpc.Channels;
using Plugboard.Rpc.Tests.Infrastructure;
using Plugboard.Rpc.Tests.Protos;
using UserSync.Rpc;
using static Plugboard.Rpc.Tests.Infrastructure.EchoService;

namespace Plugboard.Rpc.Tests;

/// <summary>The 4 MiB limits both sides set, in each direction (host: PluginChannel; plugin: the SDK's server).</summary>
public sealed class MessageSizeTests
{
    [Fact]
    public async Task A_request_larger_than_the_servers_limit_ends_with_ResourceExhausted_without_calling_the_handler()
    {
        var called = false;
        var echo = new EchoService { OnEcho = (_, _) => { called = true; return Task.FromResult(new User()); } };
        await using var server = await TestServer.StartAsync(echo, channel: new PluginChannelSettings { MaxMessageSize = null }, grpc: o => o.MaxReceiveMessageSize = 64 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(server.Invoker).EchoAsync(UserOfSize(1024 * 1024)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.False(called);
    }

    [Fact]
    public async Task A_response_larger_than_the_clients_limit_ends_with_ResourceExhausted()
    {
        var echo = new EchoService { OnEcho = (_, _) => Task.FromResult(UserOfSize(256 * 1024)) };
        await using var server = await TestServer.StartAsync(echo, channel: new PluginChannelSettings { MaxMessageSize = 64 * 1024 });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(server.Invoker).EchoAsync(new User()));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task A_response_larger_than_the_servers_send_limit_ends_with_ResourceExhausted()
    {
        var echo = new EchoService { OnEcho = (_, _) => Task.FromResult(UserOfSize(5 * 1024 * 1024)) };
        await using var server = await TestServer.StartAsync(echo, channel: new PluginChannelSettings { MaxMessageSize = null });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(server.Invoker).EchoAsync(new User()));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task A_request_larger_than_the_clients_send_limit_fails_before_it_is_sent()
    {
        var called = false;
        var echo = new EchoService { OnEcho = (request, _) => { called = true; return Task.FromResult(request); } };
        await using var server = await TestServer.StartAsync(echo);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Echo.EchoClient(server.Invoker).EchoAsync(UserOfSize(5 * 1024 * 1024)));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.False(called);
    }

    [Fact]
    public async Task An_oversized_message_in_a_client_stream_ends_the_call_with_ResourceExhausted()
    {
        var echo = new EchoService
        {
            OnCollect = async (requests, context) =>
            {
                var count = 0;
                while (await requests.MoveNext(context.CancellationToken))
                {
                    count++;
                }

                return new User { Id = count.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            },
        };
        await using var server = await TestServer.StartAsync(echo, channel: new PluginChannelSettings { MaxMessageSize = 64 * 1024 });

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = new Echo.EchoClient(server.Invoker).Collect();
            await call.RequestStream.WriteAsync(UserOfSize(10));
            await call.RequestStream.WriteAsync(UserOfSize(128 * 1024));
            await call.RequestStream.CompleteAsync();
            await call;
        });

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Messages_just_under_the_default_limit_pass_both_ways()
    {
        await using var server = await TestServer.StartAsync(new EchoService());

        var big = UserOfSize(4 * 1024 * 1024 - 16);
        var response = await new Echo.EchoClient(server.Invoker).EchoAsync(big);

        Assert.Equal(big.DisplayName.Length, response.DisplayName.Length);
    }
}

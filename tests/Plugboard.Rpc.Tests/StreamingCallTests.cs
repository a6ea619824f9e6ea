using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class StreamingCallTests
{
    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_server_streaming_call_yields_every_message_in_order(Transport transport)
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddServerStreaming(EchoMethods.Expand, async (request, responses, _) =>
            {
                var count = int.Parse(request.Id, System.Globalization.CultureInfo.InvariantCulture);
                for (var i = 0; i < count; i++)
                {
                    await responses.WriteAsync(EchoMethods.UserNamed($"u{i}"));
                }
            }),
            transport);

        var names = new List<string>();
        await foreach (var user in server.Invoker.ServerStreamingAsync(EchoMethods.Expand, new User { Id = "100" }))
        {
            names.Add(user.Id);
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"u{i}"), names);
    }

    [Fact]
    public async Task A_server_stream_with_no_messages_ends_cleanly()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddServerStreaming(EchoMethods.Expand, (_, _, _) => Task.CompletedTask));

        var messages = await server.Invoker.ServerStreamingAsync(EchoMethods.Expand, new User()).ToListAsync();

        Assert.Empty(messages);
    }

    [Fact]
    public async Task A_server_stream_that_fails_midway_yields_the_messages_then_throws_the_status()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddServerStreaming(EchoMethods.Expand, async (_, responses, _) =>
            {
                await responses.WriteAsync(EchoMethods.UserNamed("first"));
                throw new RpcException(StatusCode.DataLoss, "the directory lost a page");
            }));

        var received = new List<string>();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var user in server.Invoker.ServerStreamingAsync(EchoMethods.Expand, new User()))
            {
                received.Add(user.Id);
            }
        });

        Assert.Equal(["first"], received);
        Assert.Equal(StatusCode.DataLoss, error.StatusCode);
        Assert.Equal("the directory lost a page", error.Status.Detail);
    }

    [Fact]
    public async Task A_client_streaming_call_sends_every_request_and_gets_one_response()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddClientStreaming(EchoMethods.Collect, async (requests, _) =>
            {
                var ids = new List<string>();
                await foreach (var request in requests)
                {
                    ids.Add(request.Id);
                }

                return new User { Id = string.Join(",", ids) };
            }));

        var response = await server.Invoker.ClientStreamingAsync(EchoMethods.Collect, Users("a", "b", "c"));

        Assert.Equal("a,b,c", response.Id);
    }

    [Fact]
    public async Task A_duplex_call_answers_each_request_as_it_arrives()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddDuplexStreaming(EchoMethods.Chat, async (requests, responses, _) =>
            {
                await foreach (var request in requests)
                {
                    await responses.WriteAsync(new User { Id = "re:" + request.Id });
                }
            }));

        // Each request is produced only after the answer to the previous one arrived: true interleaving.
        var answers = System.Threading.Channels.Channel.CreateUnbounded<string>();
        async IAsyncEnumerable<User> Conversation()
        {
            yield return EchoMethods.UserNamed("1");
            for (var i = 2; i <= 3; i++)
            {
                await answers.Reader.ReadAsync();
                yield return EchoMethods.UserNamed(i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        var received = new List<string>();
        await foreach (var response in server.Invoker.DuplexStreamingAsync(EchoMethods.Chat, Conversation()))
        {
            received.Add(response.Id);
            await answers.Writer.WriteAsync(response.Id);
        }

        Assert.Equal(["re:1", "re:2", "re:3"], received);
    }

    private static async IAsyncEnumerable<User> Users(params string[] ids)
    {
        foreach (var id in ids)
        {
            await Task.Yield();
            yield return EchoMethods.UserNamed(id);
        }
    }
}

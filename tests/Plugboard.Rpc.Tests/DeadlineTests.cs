using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class DeadlineTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_handler_that_outlives_the_deadline_ends_with_DeadlineExceeded_and_sees_its_token_cancelled(Transport transport)
    {
        var handlerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, async (request, context) =>
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                }
                catch (OperationCanceledException)
                {
                    handlerCancelled.TrySetResult();
                    throw;
                }

                return request;
            }),
            transport);

        // Long enough for the request to reach the handler even on a cold, loaded machine.
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Invoker.UnaryAsync(EchoMethods.Echo, new User(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await handlerCancelled.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task The_server_answers_DeadlineExceeded_at_grpc_timeout_even_when_its_handler_ignores_cancellation()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, async (request, _) =>
            {
                await release.Task;
                return request;
            }));

        // A raw HTTP/2 request has no client-side timer: only the server's grpc-timeout handling can end it.
        var response = await RawHttp2.PostAsync(server.Server.Address, EchoMethods.Echo.FullName, RawHttp2.Frame(new User()), headers: [("grpc-timeout", "300m")]);
        release.SetResult();

        Assert.Equal(200, response.HttpStatus);
        Assert.Equal("4", response.Headers.GetValueOrDefault("grpc-status") ?? response.Trailers.GetValueOrDefault("grpc-status"));
    }

    [Fact]
    public async Task The_handler_sees_the_deadline_the_client_set()
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        DateTime seen = default;
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, context) =>
            {
                seen = context.Deadline;
                return Task.FromResult(request);
            }));

        await server.Invoker.UnaryAsync(EchoMethods.Echo, new User(), new CallOptions(deadline: deadline));

        // grpc-timeout is relative, so the server's deadline is the client's give or take the trip.
        Assert.InRange(seen, deadline.AddSeconds(-30), deadline.AddSeconds(1));
    }

    [Fact]
    public async Task Without_a_deadline_the_handler_sees_DateTime_MaxValue()
    {
        DateTime seen = default;
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, context) =>
            {
                seen = context.Deadline;
                return Task.FromResult(request);
            }));

        await server.Invoker.UnaryAsync(EchoMethods.Echo, new User());

        Assert.Equal(DateTime.MaxValue, seen);
    }

    [Fact]
    public async Task A_deadline_already_past_fails_without_calling_the_server()
    {
        var called = false;
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, (request, _) =>
            {
                called = true;
                return Task.FromResult(request);
            }));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            server.Invoker.UnaryAsync(EchoMethods.Echo, new User(), new CallOptions(deadline: DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.False(called);
    }

    [Fact]
    public async Task A_server_stream_past_its_deadline_ends_with_DeadlineExceeded()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddServerStreaming(EchoMethods.Expand, async (_, responses, context) =>
            {
                await responses.WriteAsync(EchoMethods.UserNamed("first"));
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }));

        // How many messages arrive before the deadline depends on the machine; the ending does not.
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in server.Invoker.ServerStreamingAsync(EchoMethods.Expand, new User(), new CallOptions().WithTimeout(TimeSpan.FromMilliseconds(300))))
            {
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }
}

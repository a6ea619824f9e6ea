using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests;

public sealed class CancellationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task Cancelling_a_unary_call_ends_it_with_Cancelled_and_the_server_sees_the_abort(Transport transport)
    {
        var handlerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(
            services => services.AddUnary(EchoMethods.Echo, async (request, context) =>
            {
                handlerStarted.SetResult();
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

        using var cancellation = new CancellationTokenSource();
        var call = server.Invoker.UnaryAsync(EchoMethods.Echo, new User(), new CallOptions(cancellationToken: cancellation.Token));
        await handlerStarted.Task.WaitAsync(Patience);
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await handlerCancelled.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task Leaving_a_server_stream_early_cancels_the_call_on_the_server()
    {
        var handlerCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(
            services => services.AddServerStreaming(EchoMethods.Expand, async (_, responses, context) =>
            {
                try
                {
                    for (var i = 0; ; i++)
                    {
                        await responses.WriteAsync(EchoMethods.UserNamed($"u{i}"));
                        await Task.Delay(10, context.CancellationToken);
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
                {
                    handlerCancelled.TrySetResult();
                    throw;
                }
            }));

        await foreach (var user in server.Invoker.ServerStreamingAsync(EchoMethods.Expand, new User()))
        {
            if (user.Id == "u2")
            {
                break;
            }
        }

        await handlerCancelled.Task.WaitAsync(Patience);
    }

    [Fact]
    public async Task Cancelling_the_enumeration_of_a_server_stream_ends_it_with_Cancelled()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddServerStreaming(EchoMethods.Expand, async (_, responses, context) =>
            {
                await responses.WriteAsync(EchoMethods.UserNamed("only"));
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }));

        using var cancellation = new CancellationTokenSource();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in server.Invoker.ServerStreamingAsync(EchoMethods.Expand, new User()).WithCancellation(cancellation.Token))
            {
                await cancellation.CancelAsync();
            }
        });

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }
}

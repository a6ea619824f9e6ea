using Google.Protobuf;

namespace Plugboard.Rpc.Server;

internal sealed class UnaryMethodHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
    : ServerMethodHandler(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task InvokeAsync(ServerCallContext context)
    {
        var request = await context.ReadSingleRequestAsync(method.RequestParser).ConfigureAwait(false);
        var response = await handler(request, context).ConfigureAwait(false);
        if (response is null)
        {
            throw new RpcException(StatusCode.Internal, $"The handler of {method.FullName} returned no response message.");
        }

        // No flush: the message, the trailers and END_STREAM leave together when the request completes.
        await context.WriteMessageAsync(response, flush: false, context.CancellationToken).ConfigureAwait(false);
    }
}

internal sealed class ServerStreamingMethodHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodHandler(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task InvokeAsync(ServerCallContext context)
    {
        var request = await context.ReadSingleRequestAsync(method.RequestParser).ConfigureAwait(false);
        await handler(request, new ServerStreamWriter<TResponse>(context), context).ConfigureAwait(false);
    }
}

internal sealed class ClientStreamingMethodHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodHandler(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override async Task InvokeAsync(ServerCallContext context)
    {
        var response = await handler(context.ReadRequestsAsync(method.RequestParser), context).ConfigureAwait(false);
        if (response is null)
        {
            throw new RpcException(StatusCode.Internal, $"The handler of {method.FullName} returned no response message.");
        }

        await context.WriteMessageAsync(response, flush: false, context.CancellationToken).ConfigureAwait(false);
    }
}

internal sealed class DuplexStreamingMethodHandler<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
    : ServerMethodHandler(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    protected override Task InvokeAsync(ServerCallContext context) =>
        handler(context.ReadRequestsAsync(method.RequestParser), new ServerStreamWriter<TResponse>(context), context);
}

internal sealed class ServerStreamWriter<T>(ServerCallContext context) : IServerStreamWriter<T>
    where T : class, IMessage<T>
{
    public async Task WriteAsync(T message, CancellationToken cancellationToken = default)
    {
        if (!cancellationToken.CanBeCanceled)
        {
            await context.WriteMessageAsync(message, flush: true, context.CancellationToken).ConfigureAwait(false);
            return;
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken);
        await context.WriteMessageAsync(message, flush: true, linked.Token).ConfigureAwait(false);
    }
}

using Grpc.Core;
using Grpc.Core.Interceptors;
using Plugboard.Hosting.Rpc.Supervision;

namespace Plugboard.Hosting.Rpc.Calls;

/// <summary>
/// The host's rules for every call to a plugin: a call without a deadline gets <see cref="RpcPluginOptions.CallTimeout"/>
/// (streams included); while the plugin is not serving (restarting, not serving, stopped) a call fails at once with
/// Unavailable naming the plugin, its state and why, instead of hanging; and a call cut off because the plugin went away
/// (its channel closed, its process killed) ends Unavailable the same way.
/// </summary>
internal sealed class FailFastInterceptor(RpcPluginConnection connection) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = Prepare(context);
        return ObservedCalls.Unary(continuation(request, call), new WentAway(connection, call.Options));
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = Prepare(context);
        return ObservedCalls.ServerStreaming(continuation(request, call), new WentAway(connection, call.Options));
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = Prepare(context);
        return ObservedCalls.ClientStreaming(continuation(call), new WentAway(connection, call.Options));
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var call = Prepare(context);
        return ObservedCalls.DuplexStreaming(continuation(call), new WentAway(connection, call.Options));
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var call = Prepare(context);
        return ObservedCalls.Blocking(() => continuation(request, call), new WentAway(connection, call.Options));
    }

    private ClientInterceptorContext<TRequest, TResponse> Prepare<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        if (connection.State != RpcPluginState.Serving)
        {
            throw connection.Unavailable(null);
        }

        return context.Options.Deadline is null
            ? new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, context.Options.WithDeadline(DateTime.UtcNow + connection.Options.CallTimeout))
            : context;
    }

    private sealed class WentAway(RpcPluginConnection connection, CallOptions options) : CallObserver
    {
        public override Exception Failed(RpcException exception) =>
            CutOff(exception) ? connection.Unavailable(exception) : exception;

        // Cancelled without the caller asking: the channel was closed under the call. Unavailable or Internal raised by
        // the client itself (it carries the transport error; a status the plugin sent does not): the connection broke.
        private bool CutOff(RpcException exception) =>
            (exception.StatusCode == StatusCode.Cancelled && !options.CancellationToken.IsCancellationRequested)
            || (exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal && exception.Status.DebugException is not null);
    }
}

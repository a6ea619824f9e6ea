using Grpc.Core;
using Plugboard.Hosting.Rpc.Supervision;

namespace Plugboard.Hosting.Rpc.Calls;

/// <summary>
/// The innermost invoker of a plugin's calls: each call goes to the channel of the plugin's current process (a restart
/// replaces it), or fails with Unavailable when there is none.
/// </summary>
internal sealed class CurrentChannelInvoker(RpcPluginConnection connection) : CallInvoker
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Current().BlockingUnaryCall(method, host, options, request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Current().AsyncUnaryCall(method, host, options, request);

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Current().AsyncServerStreamingCall(method, host, options, request);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        Current().AsyncClientStreamingCall(method, host, options);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        Current().AsyncDuplexStreamingCall(method, host, options);

    private CallInvoker Current() => connection.CurrentChannel()?.Invoker ?? throw connection.Unavailable(null);
}

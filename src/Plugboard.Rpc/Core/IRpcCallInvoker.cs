namespace Plugboard.Rpc;

/// <summary>
/// The one seam between typed clients and the transport. Every typed client (e.g. <c>PluginClient</c>)
/// calls through it, so replacing the HTTP/2 layer (e.g. with Grpc.Net.Client) means writing one class.
/// Failed calls throw <see cref="RpcException"/> with the call's status.
/// </summary>
public interface IRpcCallInvoker
{
    /// <summary>Sends one request and returns the one response.</summary>
    Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
        where TResponse : class, Google.Protobuf.IMessage<TResponse>;

    /// <summary>
    /// Sends one request and yields the responses as they arrive. The call starts when enumeration starts;
    /// disposing the enumerator early cancels the call.
    /// </summary>
    IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
        where TResponse : class, Google.Protobuf.IMessage<TResponse>;

    /// <summary>Sends every request of <paramref name="requests"/> and returns the one response.</summary>
    Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, CallOptions options = default)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
        where TResponse : class, Google.Protobuf.IMessage<TResponse>;

    /// <summary>
    /// Sends the requests of <paramref name="requests"/> while yielding responses as they arrive.
    /// The call starts when enumeration starts.
    /// </summary>
    IAsyncEnumerable<TResponse> DuplexStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, CallOptions options = default)
        where TRequest : class, Google.Protobuf.IMessage<TRequest>
        where TResponse : class, Google.Protobuf.IMessage<TResponse>;
}

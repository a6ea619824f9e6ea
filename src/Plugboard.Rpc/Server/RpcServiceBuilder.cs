using Google.Protobuf;

namespace Plugboard.Rpc.Server;

/// <summary>
/// Collects the methods a server serves, each with its handler. Per-service stubs (e.g.
/// <c>AddPluginService</c>) are extension methods over this builder.
/// </summary>
public sealed class RpcServiceBuilder
{
    private readonly Dictionary<string, ServerMethodHandler> _handlers = new(StringComparer.Ordinal);

    /// <summary>The methods registered so far.</summary>
    public IReadOnlyCollection<IMethod> Methods => _handlers.Values.Select(h => h.Method).ToList();

    internal IReadOnlyDictionary<string, ServerMethodHandler> Handlers => _handlers;

    /// <summary>Serves a unary method.</summary>
    public RpcServiceBuilder AddUnary<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        Add(method, MethodType.Unary, new UnaryMethodHandler<TRequest, TResponse>(method, handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Serves a server-streaming method.</summary>
    public RpcServiceBuilder AddServerStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        Add(method, MethodType.ServerStreaming, new ServerStreamingMethodHandler<TRequest, TResponse>(method, handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Serves a client-streaming method.</summary>
    public RpcServiceBuilder AddClientStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        Add(method, MethodType.ClientStreaming, new ClientStreamingMethodHandler<TRequest, TResponse>(method, handler ?? throw new ArgumentNullException(nameof(handler))));

    /// <summary>Serves a duplex-streaming method.</summary>
    public RpcServiceBuilder AddDuplexStreaming<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        Add(method, MethodType.DuplexStreaming, new DuplexStreamingMethodHandler<TRequest, TResponse>(method, handler ?? throw new ArgumentNullException(nameof(handler))));

    private RpcServiceBuilder Add(IMethod method, MethodType expected, ServerMethodHandler handler)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
        {
            throw new ArgumentException($"Method {method.FullName} is declared {method.Type} but was registered as {expected}.", nameof(method));
        }

        if (!_handlers.TryAdd(method.FullName, handler))
        {
            throw new InvalidOperationException($"Method {method.FullName} is already registered; each method has one handler.");
        }

        return this;
    }
}

namespace Plugboard.Rpc.Server;

/// <summary>Handles a unary call: one request, one response.</summary>
public delegate Task<TResponse> UnaryServerMethod<TRequest, TResponse>(TRequest request, ServerCallContext context);

/// <summary>Handles a server-streaming call: write responses to <paramref name="responseStream"/>, then return.</summary>
public delegate Task ServerStreamingServerMethod<TRequest, TResponse>(
    TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

/// <summary>Handles a client-streaming call: read the requests, return the one response.</summary>
public delegate Task<TResponse> ClientStreamingServerMethod<TRequest, TResponse>(
    IAsyncEnumerable<TRequest> requestStream, ServerCallContext context);

/// <summary>Handles a duplex call: read requests and write responses as the conversation needs.</summary>
public delegate Task DuplexStreamingServerMethod<TRequest, TResponse>(
    IAsyncEnumerable<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context);

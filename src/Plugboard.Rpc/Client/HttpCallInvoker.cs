using System.Net.Http;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Plugboard.Rpc.Wire;

namespace Plugboard.Rpc.Client;

/// <summary>The <see cref="IRpcCallInvoker"/> of an <see cref="RpcChannel"/>: one HTTP/2 request per call.</summary>
internal sealed class HttpCallInvoker(HttpMessageInvoker http, Uri baseUri, string address, RpcChannelOptions options)
    : IRpcCallInvoker
{
    public HttpMessageInvoker Http { get; } = http;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    public Uri BaseUri { get; } = baseUri;

    public string Address { get; } = address;

    public RpcChannelOptions Options { get; } = options;

    /// <summary>The request URI of a method, parsed once per channel.</summary>
    public Uri MethodUri(IMethod method) => _methodUris.GetOrAdd(method.FullName, static (path, baseUri) => new Uri(baseUri, path), BaseUri);

    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        using var call = new ClientCall(this, method, options, CancellationToken.None);
        try
        {
            var body = MessageFraming.ToFramedBytes(request, Options.MaxSendMessageSize);
            await call.StartAsync(new ByteArrayContent(body)).ConfigureAwait(false);
            return await call.ReadSingleResponseAsync(method.ResponseParser).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw call.Fail(ex);
        }
    }

    public IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamResponsesAsync(method, call => new ByteArrayContent(MessageFraming.ToFramedBytes(request, Options.MaxSendMessageSize)), options, default);
    }

    public async Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(requests);
        using var call = new ClientCall(this, method, options, CancellationToken.None);
        try
        {
            await call.StartAsync(new StreamingRequestContent<TRequest>(requests, Options.MaxSendMessageSize, call)).ConfigureAwait(false);
            return await call.ReadSingleResponseAsync(method.ResponseParser).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw call.Fail(ex);
        }
    }

    public IAsyncEnumerable<TResponse> DuplexStreamingAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(requests);
        return StreamResponsesAsync(method, call => new StreamingRequestContent<TRequest>(requests, Options.MaxSendMessageSize, call), options, default);
    }

    private async IAsyncEnumerable<TResponse> StreamResponsesAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        Func<ClientCall, HttpContent> createContent,
        CallOptions options,
        [EnumeratorCancellation] CancellationToken enumerationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        using var call = new ClientCall(this, method, options, enumerationToken);
        try
        {
            await call.StartAsync(createContent(call)).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw call.Fail(ex);
        }

        while (true)
        {
            TResponse? response;
            try
            {
                response = await call.ReadMessageAsync(method.ResponseParser).ConfigureAwait(false);
                if (response is null)
                {
                    await call.FinishAsync().ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                throw call.Fail(ex);
            }

            if (response is null)
            {
                yield break;
            }

            yield return response;
        }
    }
}

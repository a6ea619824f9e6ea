using System.Runtime.CompilerServices;
using Google.Protobuf;
using Plugboard.Rpc;

namespace Plugboard.Hosting.Rpc.Supervision;

/// <summary>
/// The invoker a plugin's typed clients call through: it routes each call to the plugin's current channel,
/// gives it the default deadline when it has none, and fails at once with Unavailable while there is no channel
/// (the process is restarting or stopped). A call cut off because its channel went away also ends Unavailable.
/// </summary>
internal sealed class ConnectionCallInvoker(RpcPluginConnection connection) : IRpcCallInvoker
{
    public async Task<TResponse> UnaryAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var invoker = connection.CurrentInvoker();
        var withDeadline = WithDeadline(options);
        try
        {
            return await invoker.UnaryAsync(method, request, withDeadline).ConfigureAwait(false);
        }
        catch (RpcException ex) when (WentAway(ex, withDeadline))
        {
            throw connection.Unavailable(ex);
        }
    }

    public IAsyncEnumerable<TResponse> ServerStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        StreamAsync(options, (invoker, o) => invoker.ServerStreamingAsync(method, request, o));

    public async Task<TResponse> ClientStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var invoker = connection.CurrentInvoker();
        var withDeadline = WithDeadline(options);
        try
        {
            return await invoker.ClientStreamingAsync(method, requests, withDeadline).ConfigureAwait(false);
        }
        catch (RpcException ex) when (WentAway(ex, withDeadline))
        {
            throw connection.Unavailable(ex);
        }
    }

    public IAsyncEnumerable<TResponse> DuplexStreamingAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, IAsyncEnumerable<TRequest> requests, CallOptions options = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        StreamAsync(options, (invoker, o) => invoker.DuplexStreamingAsync(method, requests, o));

    private async IAsyncEnumerable<TResponse> StreamAsync<TResponse>(
        CallOptions options, Func<IRpcCallInvoker, CallOptions, IAsyncEnumerable<TResponse>> start, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Resolved when enumeration starts, as the call itself starts then.
        var invoker = connection.CurrentInvoker();
        var withDeadline = WithDeadline(options);
        var responses = start(invoker, withDeadline).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await responses.MoveNextAsync().ConfigureAwait(false);
                }
                catch (RpcException ex) when (WentAway(ex, withDeadline) && !cancellationToken.IsCancellationRequested)
                {
                    throw connection.Unavailable(ex);
                }

                if (!more)
                {
                    yield break;
                }

                yield return responses.Current;
            }
        }
        finally
        {
            await responses.DisposeAsync().ConfigureAwait(false);
        }
    }

    private CallOptions WithDeadline(CallOptions options) =>
        options.Deadline is null ? options.WithTimeout(connection.Options.CallTimeout) : options;

    // Cancelled without the caller asking: the channel was closed under the call because the plugin went away.
    private static bool WentAway(RpcException ex, CallOptions options) =>
        ex.StatusCode == StatusCode.Cancelled && !options.CancellationToken.IsCancellationRequested;
}

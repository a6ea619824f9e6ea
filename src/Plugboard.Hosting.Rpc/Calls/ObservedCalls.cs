using Grpc.Core;

namespace Plugboard.Hosting.Rpc.Calls;

/// <summary>
/// Wraps the calls an interceptor passes on so it can see each call end (its status) and replace the exception a
/// failed call throws — for every kind of call, streams included.
/// </summary>
internal static class ObservedCalls
{
    /// <summary>Wraps a unary call.</summary>
    public static AsyncUnaryCall<TResponse> Unary<TResponse>(AsyncUnaryCall<TResponse> call, CallObserver observer) =>
        new(Response(call.ResponseAsync, observer), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, Release(call, observer));

    /// <summary>Wraps a server streaming call.</summary>
    public static AsyncServerStreamingCall<TResponse> ServerStreaming<TResponse>(AsyncServerStreamingCall<TResponse> call, CallObserver observer) =>
        new(new ObservedReader<TResponse>(call.ResponseStream, observer), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, Release(call, observer));

    /// <summary>Wraps a client streaming call.</summary>
    public static AsyncClientStreamingCall<TRequest, TResponse> ClientStreaming<TRequest, TResponse>(AsyncClientStreamingCall<TRequest, TResponse> call, CallObserver observer) =>
        new(call.RequestStream, Response(call.ResponseAsync, observer), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, Release(call, observer));

    /// <summary>Wraps a duplex streaming call.</summary>
    public static AsyncDuplexStreamingCall<TRequest, TResponse> DuplexStreaming<TRequest, TResponse>(AsyncDuplexStreamingCall<TRequest, TResponse> call, CallObserver observer) =>
        new(call.RequestStream, new ObservedReader<TResponse>(call.ResponseStream, observer), call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, Release(call, observer));

    /// <summary>Runs a blocking unary call.</summary>
    public static TResponse Blocking<TResponse>(Func<TResponse> call, CallObserver observer)
    {
        try
        {
            var response = call();
            observer.Ended(Status.DefaultSuccess);
            return response;
        }
        catch (RpcException ex)
        {
            throw observer.Failed(ex);
        }
    }

    // Disposing a call (a stream left unread included) releases what the observer holds for it.
    private static Action Release(IDisposable call, CallObserver observer) => () =>
    {
        call.Dispose();
        observer.Released();
    };

    private static async Task<TResponse> Response<TResponse>(Task<TResponse> response, CallObserver observer)
    {
        try
        {
            var result = await response.ConfigureAwait(false);
            observer.Ended(Status.DefaultSuccess);
            return result;
        }
        catch (RpcException ex)
        {
            throw observer.Failed(ex);
        }
    }

    private sealed class ObservedReader<T>(IAsyncStreamReader<T> inner, CallObserver observer) : IAsyncStreamReader<T>
    {
        public T Current => inner.Current;

        public async Task<bool> MoveNext(CancellationToken cancellationToken)
        {
            try
            {
                var more = await inner.MoveNext(cancellationToken).ConfigureAwait(false);
                if (!more)
                {
                    observer.Ended(Status.DefaultSuccess);
                }

                return more;
            }
            catch (RpcException ex)
            {
                throw observer.Failed(ex);
            }
        }
    }
}

/// <summary>What an interceptor does when a call it passed on ends.</summary>
internal abstract class CallObserver
{
    /// <summary>The call ended with <paramref name="status"/> (OK, or the status of a failure).</summary>
    public virtual void Ended(Status status)
    {
    }

    /// <summary>The caller disposed the call, ended or not: release what is held for it.</summary>
    public virtual void Released()
    {
    }

    /// <summary>The call failed: note it, and return the exception to throw (the same one by default).</summary>
    public virtual Exception Failed(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        Ended(exception.Status);
        return exception;
    }
}

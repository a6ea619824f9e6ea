using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Plugboard.Hosting.Rpc.Calls;

/// <summary>
/// The request header naming the plugin a call goes to. The host adds it to every call before any interceptor of
/// <see cref="RpcPluginOptions.Interceptors"/> runs, so one interceptor shared by all plugins can tell them apart
/// (<see cref="PluginIdOf{TRequest, TResponse}"/>); the plugin receives it too.
/// </summary>
public static class PluginCallHeaders
{
    /// <summary>The header name.</summary>
    public const string PluginId = "plugboard-plugin-id";

    /// <summary>The plugin id of an intercepted call, or null when the call was not made through a plugin connection.</summary>
    public static string? PluginIdOf<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class =>
        context.Options.Headers?.GetValue(PluginId);
}

/// <summary>Adds <see cref="PluginCallHeaders.PluginId"/> to every call (the outermost of the host's interceptors).</summary>
internal sealed class PluginIdInterceptor(string pluginId) : Interceptor
{
    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Named(context));

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Named(context));

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Named(context));

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation) =>
        continuation(Named(context));

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        continuation(request, Named(context));

    /// <summary>The headers of a call with the plugin id set (copied: the caller's metadata is never changed).</summary>
    internal static Metadata WithPluginId(Metadata? given, string pluginId)
    {
        var headers = new Metadata();
        if (given is not null)
        {
            foreach (var entry in given)
            {
                if (!string.Equals(entry.Key, PluginCallHeaders.PluginId, StringComparison.Ordinal))
                {
                    headers.Add(entry);
                }
            }
        }

        headers.Add(PluginCallHeaders.PluginId, pluginId);
        return headers;
    }

    private ClientInterceptorContext<TRequest, TResponse> Named<TRequest, TResponse>(ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class =>
        new(context.Method, context.Host, context.Options.WithHeaders(WithPluginId(context.Options.Headers, pluginId)));
}

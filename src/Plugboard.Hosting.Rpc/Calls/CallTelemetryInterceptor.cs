using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Plugboard.Hosting.Rpc.Calls;

/// <summary>
/// Logs every call to a plugin (debug: method, status, duration; a failure the plugin answered at debug too, as the
/// caller gets it as an exception) and records its duration in the <c>plugboard.rpc.client.call.duration</c> histogram
/// of the <see cref="MeterName"/> meter, tagged with the plugin id, the method and the status code.
/// </summary>
internal sealed class CallTelemetryInterceptor(string pluginId, ILogger logger, TimeProvider time) : Interceptor
{
    /// <summary>The meter's name, for <c>AddMeter</c> in OpenTelemetry or <c>dotnet-counters</c>.</summary>
    public const string MeterName = "Plugboard.Hosting.Rpc";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "plugboard.rpc.client.call.duration", unit: "s", description: "How long calls to out-of-process plugins took, until their last response.");

    private readonly string _pluginId = pluginId;
    private readonly ILogger _logger = logger;
    private readonly TimeProvider _time = time;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(context.Method);
        return ObservedCalls.Unary(Guard(() => continuation(request, context), observer), observer);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(context.Method);
        return ObservedCalls.ServerStreaming(Guard(() => continuation(request, context), observer), observer);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(context.Method);
        return ObservedCalls.ClientStreaming(Guard(() => continuation(context), observer), observer);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(context.Method);
        return ObservedCalls.DuplexStreaming(Guard(() => continuation(context), observer), observer);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation) =>
        ObservedCalls.Blocking(() => continuation(request, context), Start(context.Method));

    // A call refused before it started (the plugin is down) ends here too.
    private static T Guard<T>(Func<T> start, Observer observer)
    {
        try
        {
            return start();
        }
        catch (RpcException ex)
        {
            throw observer.Failed(ex);
        }
    }

    private Observer Start(IMethod method) => new(this, method.FullName, _time.GetTimestamp());

    private sealed class Observer(CallTelemetryInterceptor owner, string method, long started) : CallObserver
    {
        private int _ended;

        public override void Ended(Status status)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            var elapsed = owner._time.GetElapsedTime(started);
            Duration.Record(
                elapsed.TotalSeconds,
                new KeyValuePair<string, object?>("plugboard.plugin.id", owner._pluginId),
                new KeyValuePair<string, object?>("rpc.method", method),
                new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)status.StatusCode));
            if (owner._logger.IsEnabled(LogLevel.Debug))
            {
                owner._logger.LogDebug("Plugin {PluginId} {Method}: {Status} in {Elapsed:0.###} ms{Detail}",
                    owner._pluginId, method, status.StatusCode, elapsed.TotalMilliseconds, status.StatusCode == StatusCode.OK ? string.Empty : " (" + status.Detail + ")");
            }
        }
    }
}

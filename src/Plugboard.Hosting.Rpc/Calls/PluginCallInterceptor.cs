using System.Diagnostics.Metrics;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Rpc.Supervision;

namespace Plugboard.Hosting.Rpc.Calls;

/// <summary>
/// The host's rules for every call to a plugin, in one interceptor (one wrapper per call: the figures of
/// docs/benchmarks.md showed a chain of three costing a fifth of a call):
/// <list type="bullet">
/// <item>a call without a deadline is bounded by <see cref="RpcPluginOptions.CallTimeout"/> (streams included): a token
/// cancelled after that time, which ends the call with DeadlineExceeded as a deadline would — cheaper than a gRPC deadline,
/// which arms a timer in the client and another in the plugin per call (docs/benchmarks.md);</item>
/// <item>while the plugin is not serving (restarting, not serving, stopped) a call fails at once with Unavailable naming the
/// plugin, its state and why, instead of hanging; a call cut off because the plugin went away (its channel closed, its
/// process killed) ends Unavailable the same way;</item>
/// <item>every call is logged (debug: method, status, duration) and measured in the <c>plugboard.rpc.client.call.duration</c>
/// histogram of the <see cref="MeterName"/> meter, tagged with the plugin id, the method and the status code;</item>
/// <item>the plugin id goes in the <see cref="PluginCallHeaders.PluginId"/> header, unless an outer
/// <see cref="PluginIdInterceptor"/> (there when the application has interceptors) put it there already.</item>
/// </list>
/// </summary>
internal sealed class PluginCallInterceptor(RpcPluginConnection connection, ILogger logger, TimeProvider time, bool addPluginId) : Interceptor
{
    /// <summary>The meter's name, for <c>AddMeter</c> in OpenTelemetry or <c>dotnet-counters</c>.</summary>
    public const string MeterName = "Plugboard.Hosting.Rpc";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "plugboard.rpc.client.call.duration", unit: "s", description: "How long calls to out-of-process plugins took, until their last response.");

    private readonly RpcPluginConnection _connection = connection;
    private readonly ILogger _logger = logger;
    private readonly TimeProvider _time = time;
    private readonly bool _addPluginId = addPluginId;

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(ref context);
        return ObservedCalls.Unary(Guard(() => continuation(request, context), observer), observer);
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(ref context);
        return ObservedCalls.ServerStreaming(Guard(() => continuation(request, context), observer), observer);
    }

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncClientStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(ref context);
        return ObservedCalls.ClientStreaming(Guard(() => continuation(context), observer), observer);
    }

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(ref context);
        return ObservedCalls.DuplexStreaming(Guard(() => continuation(context), observer), observer);
    }

    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, BlockingUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        var observer = Start(ref context);
        return ObservedCalls.Blocking(() => continuation(request, context), observer);
    }

    // A call that fails to start is observed too: the innermost invoker refuses it with Unavailable while the plugin is down.
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

    private Observer Start<TRequest, TResponse>(ref ClientInterceptorContext<TRequest, TResponse> context)
        where TRequest : class
        where TResponse : class
    {
        var options = context.Options;
        var observer = new Observer(this, context.Method.FullName, _time.GetTimestamp(), options.CancellationToken);
        var changed = false;
        if (options.Deadline is null)
        {
            options = options.WithCancellationToken(observer.Bound(_connection.Options.CallTimeout));
            changed = true;
        }

        if (_addPluginId)
        {
            options = options.WithHeaders(PluginIdInterceptor.WithPluginId(options.Headers, _connection.PluginId));
            changed = true;
        }

        if (changed)
        {
            context = new ClientInterceptorContext<TRequest, TResponse>(context.Method, context.Host, options);
        }

        return observer;
    }

    // The call's timeout lives as long as the call, not as an owner: it is disposed when the call ends (Ended) or the caller
    // disposes it (Released), whichever comes first.
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001:Types that own disposable fields should be disposable", Justification = "Disposed with the call it bounds.")]
    private sealed class Observer(PluginCallInterceptor owner, string method, long started, CancellationToken callerToken) : CallObserver
    {
        private int _ended;
        private CancellationTokenSource? _timeout;
        private CancellationTokenRegistration _caller;

        /// <summary>The token the call runs under instead of a deadline: cancelled by the caller's token or after <paramref name="timeout"/>.</summary>
        public CancellationToken Bound(TimeSpan timeout)
        {
            _timeout = new CancellationTokenSource(timeout, owner._time);
            if (callerToken.CanBeCanceled)
            {
                _caller = callerToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), _timeout);
            }

            return _timeout.Token;
        }

        public override Exception Failed(RpcException exception)
        {
            ArgumentNullException.ThrowIfNull(exception);
            var thrown = TimedOut(exception)
                ? new RpcException(new Status(StatusCode.DeadlineExceeded,
                    $"Deadline Exceeded: plugin {owner._connection.PluginId} did not finish {method} within its call timeout of {owner._connection.Options.CallTimeout} " +
                    "(CallTimeout; give the call a deadline or the plugin a longer timeout if it needs more)"))
                : CutOff(exception) ? owner._connection.Unavailable(exception) : exception;
            Ended(thrown.Status);
            return thrown;
        }

        public override void Released()
        {
            _caller.Dispose();
            _timeout?.Dispose();
        }

        public override void Ended(Status status)
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
            {
                return;
            }

            Released();

            var elapsed = owner._time.GetElapsedTime(started);
            if (Duration.Enabled)
            {
                Duration.Record(
                    elapsed.TotalSeconds,
                    new KeyValuePair<string, object?>("plugboard.plugin.id", owner._connection.PluginId),
                    new KeyValuePair<string, object?>("rpc.method", method),
                    new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)status.StatusCode));
            }

            if (owner._logger.IsEnabled(LogLevel.Debug))
            {
                owner._logger.LogDebug("Plugin {PluginId} {Method}: {Status} in {Elapsed:0.###} ms{Detail}",
                    owner._connection.PluginId, method, status.StatusCode, elapsed.TotalMilliseconds, status.StatusCode == StatusCode.OK ? string.Empty : " (" + status.Detail + ")");
            }
        }

        // Cancelled by the call's timeout, not by the caller: the host's deadline passed.
        private bool TimedOut(RpcException exception) =>
            exception.StatusCode == StatusCode.Cancelled && _timeout is { IsCancellationRequested: true } && !callerToken.IsCancellationRequested;

        // Cancelled without the caller asking: the channel was closed under the call. Unavailable or Internal raised by the
        // client itself (it carries the transport error; a status the plugin sent does not): the connection broke.
        private bool CutOff(RpcException exception) =>
            (exception.StatusCode == StatusCode.Cancelled && !callerToken.IsCancellationRequested)
            || (exception.StatusCode is StatusCode.Unavailable or StatusCode.Internal && exception.Status.DebugException is not null);
    }
}

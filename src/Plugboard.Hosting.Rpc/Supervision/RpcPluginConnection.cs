using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Rpc.Calls;
using Plugboard.Hosting.Rpc.Channels;

namespace Plugboard.Hosting.Rpc.Supervision;

/// <summary>
/// The host's link to one out-of-process plugin: the <see cref="Grpc.Net.Client.GrpcChannel"/> to it, its state, periodic health
/// checks, and a <see cref="CallInvoker"/> for generated clients whose interceptors name the plugin on every call
/// (<see cref="PluginCallHeaders.PluginId"/>), run <see cref="RpcPluginOptions.Interceptors"/>, log and measure each call,
/// give it the default deadline and fail it at once with Unavailable while the plugin is not reachable (restarting or
/// stopped) instead of letting callers hang.
/// </summary>
public abstract class RpcPluginConnection : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private PluginChannel? _channel;
    private RpcPluginState _state = RpcPluginState.Starting;
    private string? _reason;

    /// <summary>Creates the connection; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="pluginId">The plugin id.</param>
    /// <param name="options">The plugin's options.</param>
    /// <param name="logger">The plugin's logger.</param>
    /// <param name="timeProvider">The clock of health checks, restart delays and timeouts; the system's by default.</param>
    protected RpcPluginConnection(string pluginId, RpcPluginOptions options, ILogger logger, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(pluginId);
        PluginId = pluginId;
        Options = options ?? throw new ArgumentNullException(nameof(options));
        Logger = logger ?? throw new ArgumentNullException(nameof(logger));
        Time = timeProvider ?? TimeProvider.System;

        // Outermost first: the plugin id, the application's interceptors (which see it), then the host's rules (deadline,
        // fail-fast, logging and metrics) in one interceptor, then the current process's channel.
        CallInvoker invoker = new CurrentChannelInvoker(this);
        var applicationInterceptors = options.Interceptors.Count > 0;
        invoker = invoker.Intercept(new PluginCallInterceptor(this, logger, Time, addPluginId: !applicationInterceptors));
        CallInvoker = applicationInterceptors
            ? invoker.Intercept([.. options.Interceptors]).Intercept(new PluginIdInterceptor(pluginId))
            : invoker;
    }

    /// <summary>The plugin id.</summary>
    public string PluginId { get; }

    /// <summary>The options this connection runs with.</summary>
    public RpcPluginOptions Options { get; }

    /// <summary>
    /// Calls the plugin, for generated clients (<c>new Plugin.PluginClient(connection.CallInvoker)</c>): default deadline,
    /// fail-fast with Unavailable while it is not reachable, logged and measured.
    /// </summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>The clock of health checks, restart delays and timeouts.</summary>
    protected TimeProvider Time { get; }

    /// <summary>The current state.</summary>
    public RpcPluginState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    /// <summary>Why the connection is in its state (the last crash, the failing health check), or null.</summary>
    public string? Reason
    {
        get
        {
            lock (_gate)
            {
                return _reason;
            }
        }
    }

    /// <summary>The channel address of the plugin now (<c>unix:///…</c>, <c>http://…</c>), or null while it has none.</summary>
    public string? Address
    {
        get
        {
            lock (_gate)
            {
                return _channel?.Address;
            }
        }
    }

    /// <summary>
    /// Brings a freshly restarted plugin back to where the previous process was (the host sets it to repeat Init
    /// with the same configuration). Runs before calls are let through again.
    /// </summary>
    public Func<CallInvoker, CancellationToken, Task>? Reinitialize { get; set; }

    /// <summary>Raised on every state change, on the thread that made it.</summary>
    public event EventHandler<RpcPluginStateChangedEventArgs>? StateChanged;

    /// <summary>The logger, scoped to the plugin.</summary>
    protected ILogger Logger { get; }

    /// <summary>Starts (or first reaches) the plugin; completes once it serves.</summary>
    /// <exception cref="Processes.PluginStartException">It could not be started or reached; the message says why.</exception>
    public abstract Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops calling the plugin (and stops its process, for a process plugin).</summary>
    public abstract Task StopAsync(CancellationToken cancellationToken);

    /// <summary>Completes when the connection is in <paramref name="state"/>.</summary>
    public async Task WaitForStateAsync(RpcPluginState state, CancellationToken cancellationToken)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(object? sender, RpcPluginStateChangedEventArgs e)
        {
            if (e.State == state)
            {
                reached.TrySetResult();
            }
        }

        StateChanged += OnChanged;
        try
        {
            if (State == state)
            {
                return;
            }

            await reached.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StateChanged -= OnChanged;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(Options.ShutdownGrace * 4, Time);
        await StopAsync(timeout.Token).ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>The current channel while the plugin serves; null otherwise.</summary>
    internal PluginChannel? CurrentChannel()
    {
        lock (_gate)
        {
            return _state == RpcPluginState.Serving ? _channel : null;
        }
    }

    /// <summary>An Unavailable error naming the plugin, its state and the reason.</summary>
    internal RpcException Unavailable(Exception? cause)
    {
        string state;
        string? reason;
        lock (_gate)
        {
            state = _state == RpcPluginState.NotServing ? "not serving" : _state.ToString().ToLowerInvariant();
            reason = _reason;
        }

        var detail = cause is null
            ? $"plugin '{PluginId}' is {state}{(reason is null ? string.Empty : ": " + reason)}; try again later"
            : $"plugin '{PluginId}' went away during the call ({state}{(reason is null ? string.Empty : ": " + reason)}); try again later";
        return new RpcException(new Status(StatusCode.Unavailable, detail, cause), new Metadata(), detail);
    }

    /// <summary>The channel settings for this plugin.</summary>
    protected PluginChannelSettings CreateChannelSettings(PluginChannelTls? tls = null) => new()
    {
        MaxMessageSize = Options.MaxMessageSize,
        Tls = tls,
        ConnectTimeout = Options.HealthCheckTimeout,
    };

    /// <summary>Sets the channel (null: none) and the state; disposes the channel it replaces.</summary>
    protected void Publish(PluginChannel? channel, RpcPluginState state, string? reason)
    {
        PluginChannel? previous;
        bool changed;
        lock (_gate)
        {
            previous = ReferenceEquals(_channel, channel) ? null : _channel;
            _channel = channel;
            changed = _state != state || _reason != reason;
            _state = state;
            _reason = reason;
        }

        previous?.Dispose();
        if (changed)
        {
            StateChanged?.Invoke(this, new RpcPluginStateChangedEventArgs(PluginId, state, reason));
        }
    }

    /// <summary>Sets the state, keeping the channel.</summary>
    protected void SetState(RpcPluginState state, string? reason)
    {
        bool changed;
        lock (_gate)
        {
            changed = _state != state || _reason != reason;
            _state = state;
            _reason = reason;
        }

        if (changed)
        {
            StateChanged?.Invoke(this, new RpcPluginStateChangedEventArgs(PluginId, state, reason));
        }
    }

    /// <summary>One health check of the whole server: null when it answered SERVING, else what it said or what went wrong.</summary>
    protected async Task<HealthProblem?> CheckHealthAsync(CallInvoker invoker, CancellationToken cancellationToken)
    {
        try
        {
            var response = await new Health.HealthClient(invoker)
                .CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + Options.HealthCheckTimeout, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? null
                : new HealthProblem(Answered: true, $"it reports {response.Status} on its health check");
        }
        catch (RpcException ex)
        {
            return new HealthProblem(Answered: false, $"its health check failed: {ex.Status.StatusCode} {ex.Status.Detail}".TrimEnd());
        }
    }

    /// <summary>
    /// Checks health every <see cref="RpcPluginOptions.HealthCheckInterval"/> until cancelled. An answer other than
    /// SERVING makes the plugin not serving at once (calls fail fast until it serves again); after
    /// <see cref="RpcPluginOptions.UnhealthyThreshold"/> checks in a row without an answer, <paramref name="onUnreachable"/> runs.
    /// </summary>
    protected async Task RunHealthChecksAsync(CallInvoker invoker, Action<string> onUnreachable, CancellationToken cancellationToken)
    {
        var failures = 0;
        using var timer = new PeriodicTimer(Options.HealthCheckInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var problem = await CheckHealthAsync(invoker, cancellationToken).ConfigureAwait(false);
                if (problem is null)
                {
                    failures = 0;
                    if (State == RpcPluginState.NotServing)
                    {
                        Logger.LogInformation("Plugin {PluginId} is serving again.", PluginId);
                        SetState(RpcPluginState.Serving, null);
                    }

                    continue;
                }

                if (problem.Answered)
                {
                    failures = 0;
                    if (State == RpcPluginState.Serving)
                    {
                        Logger.LogWarning("Plugin {PluginId}: {Problem}; calls fail fast until it serves again.", PluginId, problem.Message);
                        SetState(RpcPluginState.NotServing, problem.Message);
                    }

                    continue;
                }

                failures++;
                Logger.LogWarning("Plugin {PluginId}: {Problem} ({Failures} in a row).", PluginId, problem.Message, failures);
                if (failures >= Math.Max(Options.UnhealthyThreshold, 1))
                {
                    failures = 0;
                    onUnreachable(problem.Message);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    /// <summary>What a failed health check found.</summary>
    /// <param name="Answered">Whether the plugin answered (NOT_SERVING) rather than failing to answer.</param>
    /// <param name="Message">What it said or what went wrong.</param>
    protected sealed record HealthProblem(bool Answered, string Message);
}

using System.Globalization;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>
/// One started out-of-process plugin, as the host holds it; unloading it stops the plugin. The connection's state
/// is reported to the host as the plugin's health: restarting, not serving or stopped is not serving (with the
/// connection's reason), serving again is recovered.
/// </summary>
public sealed class RpcLoadedPlugin : LoadedPlugin
{
    private readonly RpcPluginConnection _connection;
    private readonly Lock _stateGate = new();
    private RpcPluginState _reported = RpcPluginState.Starting;

    /// <summary>Creates the loaded plugin and starts reporting its connection's state as its health.</summary>
    public RpcLoadedPlugin(string id, object implementation, PluginContext context, RpcPluginConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Id = id;
        Implementation = implementation;
        Context = context;
        _connection = connection;
        lock (_stateGate)
        {
            // Subscribe first, then report the state now: a change in between is reported (again) by the handler.
            connection.StateChanged += OnStateChanged;
            Report(connection.State, connection.Reason);
        }
    }

    /// <inheritdoc />
    public override string Id { get; }

    /// <inheritdoc />
    public override object Implementation { get; }

    /// <inheritdoc />
    public override PluginContext Context { get; }

    /// <summary>Out-of-process plugins bind their configuration themselves: the host has no class for it.</summary>
    public override Type? ConfigType => null;

    /// <summary>The connection to the plugin: its state, restarts and the invoker of its calls.</summary>
    public RpcPluginConnection Connection => _connection;

    private void OnStateChanged(object? sender, RpcPluginStateChangedEventArgs e)
    {
        lock (_stateGate)
        {
            Report(e.State, e.Reason);
        }
    }

    private void Report(RpcPluginState state, string? reason)
    {
        switch (state)
        {
            case RpcPluginState.Serving:
                ReportHealth(true, _reported switch
                {
                    RpcPluginState.Restarting when _connection is ProcessPluginConnection process =>
                        $"its process was restarted (restart {process.Restarts}, pid {process.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "unknown"})",
                    RpcPluginState.NotServing => "it answers its health checks with SERVING again",
                    _ => null,
                });
                break;
            case RpcPluginState.NotServing:
                ReportHealth(false, reason ?? "it reports it is not serving");
                break;
            case RpcPluginState.Restarting:
                ReportHealth(false, reason ?? "its process is being restarted");
                break;
            case RpcPluginState.Stopped:
                ReportHealth(false, reason ?? "its connection is stopped");
                break;
            case RpcPluginState.Starting:
            default:
                break; // not started yet: nothing the host needs to know
        }

        _reported = state;
    }

    /// <inheritdoc />
    public override async Task<bool> UnloadAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _connection.StopAsync(cancellation.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

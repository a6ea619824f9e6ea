using System.Globalization;
using Plugboard.Hosting.Rpc.Runtimes;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Runtimes;

namespace Plugboard.Server.Realization;

/// <summary>
/// Turns the state changes of an out-of-process instance's connection (its supervisor restarting a crashed process,
/// an endpoint that stops answering its health checks) into health reports about its installation. Assembly plugins
/// have nothing to watch. Disposing it stops the reports (before the instance is released, so a deliberate stop is
/// not reported as a failure).
/// </summary>
internal sealed class InstanceHealthWatch : IDisposable
{
    private readonly RpcPluginConnection? _connection;
    private readonly Action<bool, string> _report;
    private readonly Lock _gate = new();
    private RpcPluginState _last = RpcPluginState.Serving;

    /// <summary>Watches <paramref name="loaded"/>, reporting (serving, reason) to <paramref name="report"/>.</summary>
    public InstanceHealthWatch(LoadedPlugin loaded, Action<bool, string> report)
    {
        _report = report;
        if (loaded is RpcLoadedPlugin rpc)
        {
            _connection = rpc.Connection;
            _connection.StateChanged += OnStateChanged;
        }
    }

    public void Dispose()
    {
        if (_connection is not null)
        {
            _connection.StateChanged -= OnStateChanged;
        }
    }

    private void OnStateChanged(object? sender, RpcPluginStateChangedEventArgs e)
    {
        lock (_gate)
        {
            var previous = _last;
            _last = e.State;
            switch (e.State)
            {
                case RpcPluginState.Serving when previous != RpcPluginState.Serving:
                    _report(true, _connection is ProcessPluginConnection process && previous == RpcPluginState.Restarting
                        ? $"its process was restarted by the center's supervisor (restart {process.Restarts}, pid {process.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}) and initialized again with its configuration"
                        : "it answers its health checks with SERVING again");
                    break;
                case RpcPluginState.Restarting:
                    _report(false, e.Reason ?? "its process is being restarted");
                    break;
                case RpcPluginState.NotServing:
                    _report(false, e.Reason ?? "it reports it is not serving");
                    break;
                case RpcPluginState.Stopped:
                    _report(false, e.Reason ?? "its connection stopped");
                    break;
                default:
                    break;
            }
        }
    }
}

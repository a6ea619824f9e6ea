namespace Plugboard.Hosting.Runtimes;

/// <summary>
/// One loaded version of a plugin, as a runtime hands it to the host: the instance, the context it will
/// be initialized with, how to release it, and (through <see cref="ReportHealth"/>) whether it serves calls.
/// </summary>
public abstract class LoadedPlugin
{
    private readonly Lock _healthGate = new();
    private PluginHealth _health = PluginHealth.Serving;
    private Action<PluginHealth>? _healthObservers;

    /// <summary>The plugin id.</summary>
    public abstract string Id { get; }

    /// <summary>The object that implements the plugin's contracts (and, optionally, <see cref="IPlugin"/>).</summary>
    public abstract object Implementation { get; }

    /// <summary>The context passed to <see cref="IPlugin.InitAsync"/>.</summary>
    public abstract PluginContext Context { get; }

    /// <summary>The class the configuration is bound to; null when the plugin has none.</summary>
    public abstract Type? ConfigType { get; }

    /// <summary>
    /// Disposes the instance and releases what the runtime holds for it (a load context, a process).
    /// Called once no call runs on this version any more.
    /// </summary>
    /// <param name="timeout">How long to wait for the release to be complete.</param>
    /// <returns>Whether the release is complete (for an assembly plugin: its load context was collected).</returns>
    public abstract Task<bool> UnloadAsync(TimeSpan timeout);

    /// <summary>Whether this version serves calls, as its runtime last reported; <see cref="PluginHealth.Serving"/> until told otherwise.</summary>
    public PluginHealth Health
    {
        get
        {
            lock (_healthGate)
            {
                return _health;
            }
        }
    }

    /// <summary>
    /// Tells the host whether this version serves calls. A runtime calls it when the plugin crashes, is being
    /// restarted or fails its health checks (<paramref name="serving"/> false, with the reason), and when it serves
    /// again. The host shows it in the plugin's status and events and raises <c>Changed</c>
    /// (<see cref="PluginChangeKind.Unhealthy"/>, <see cref="PluginChangeKind.Recovered"/>); it neither replaces nor
    /// unloads the version, and ignores the reports of a version that is no longer the active one. Repeating the
    /// current health changes nothing. Safe to call from any thread; the host handles the report on its own.
    /// </summary>
    /// <param name="serving">Whether calls can reach the plugin now.</param>
    /// <param name="reason">Why not (required in substance when not serving: what happened and what the runtime does about it); or, when serving, how it came back.</param>
    protected void ReportHealth(bool serving, string? reason)
    {
        var health = serving
            ? new PluginHealth(true, string.IsNullOrWhiteSpace(reason) ? null : reason)
            : new PluginHealth(false, string.IsNullOrWhiteSpace(reason) ? "its runtime reports it is not serving" : reason);
        lock (_healthGate)
        {
            // A serving plugin that says so again is no news, whatever the words; a failing one with a new reason is.
            if (_health.IsServing == health.IsServing && (health.IsServing || _health.Reason == health.Reason))
            {
                return;
            }

            _health = health;

            // Under the lock so that observers see the reports in the order they were made; they only queue them.
            _healthObservers?.Invoke(health);
        }
    }

    /// <summary>
    /// Calls <paramref name="observer"/> with the current health at once, then with every change, in order, until the
    /// result is disposed. The observer runs under this object's lock: it must only queue the work.
    /// </summary>
    internal IDisposable ObserveHealth(Action<PluginHealth> observer)
    {
        lock (_healthGate)
        {
            _healthObservers += observer;
            observer(_health);
        }

        return new HealthSubscription(this, observer);
    }

    private sealed class HealthSubscription(LoadedPlugin plugin, Action<PluginHealth> observer) : IDisposable
    {
        public void Dispose()
        {
            lock (plugin._healthGate)
            {
                plugin._healthObservers -= observer;
            }
        }
    }
}

using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting;

/// <summary>
/// Follows the health a runtime reports for one active generation and hands each report to the host in order,
/// one at a time, on the thread pool: never on the runtime's own thread (often its supervisor, which a
/// <c>Changed</c> handler that unloads the plugin would otherwise wait for) and never two at once.
/// </summary>
internal sealed class PluginHealthWatch : IDisposable
{
    private readonly Lock _gate = new();
    private readonly IDisposable _subscription;
    private Task _pending = Task.CompletedTask;
    private bool _disposed;

    /// <summary>Starts watching; <paramref name="apply"/> receives the current health first, then every change.</summary>
    public PluginHealthWatch(PluginGeneration generation, Action<PluginGeneration, PluginHealth> apply)
    {
        _subscription = generation.Loaded.ObserveHealth(health =>
        {
            lock (_gate)
            {
                if (!_disposed)
                {
                    _pending = _pending.ContinueWith(_ => apply(generation, health), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                }
            }
        });
    }

    /// <summary>Stops watching: reports made from now on are dropped (those queued are still handled, and ignored if stale).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _subscription.Dispose();
    }
}

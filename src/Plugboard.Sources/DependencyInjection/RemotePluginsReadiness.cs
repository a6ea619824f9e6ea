using Plugboard.Sources.Sync;

namespace Plugboard.Sources.DependencyInjection;

/// <summary>
/// Whether a host that loads its plugins from remote sources (<c>AddPlugboard(…).AddSources(…)</c>) is ready: the
/// sync on start has run and the plugin host has taken up what it brought — or, when the sources could not be
/// reached or <see cref="Configuration.PlugboardSourcesOptions.SyncOnStart"/> is off, the host runs the cache's
/// last good state. Inject it and await <see cref="WaitAsync"/> before work that needs the plugins; a long-running
/// host need not wait at all (later syncs are hot-reloaded).
/// </summary>
public sealed class RemotePluginsReadiness
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the host is ready.</summary>
    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>The record of the sync on start, once ready; null when there was none or it threw (its reason is logged).</summary>
    public SyncRun? SyncOnStart { get; private set; }

    /// <summary>Completes when the host is ready.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    public Task WaitAsync(CancellationToken cancellationToken = default) => _ready.Task.WaitAsync(cancellationToken);

    internal void SetReady(SyncRun? syncOnStart)
    {
        SyncOnStart = syncOnStart;
        _ready.TrySetResult();
    }
}

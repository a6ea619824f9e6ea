using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting;
using Plugboard.Sources.Sync;

namespace Plugboard.Sources.DependencyInjection;

/// <summary>
/// Joins the sync loop to the plugin host: after every sync it has the host take up the changed current view
/// at once (<see cref="PluginHost.RefreshAsync"/>, no debounce, no polling), and it marks the host ready after the
/// sync on start. Added after the plugin host's own hosted service, so it starts once the host has loaded the cache.
/// </summary>
internal sealed class RemotePluginsStartup : IHostedService, IDisposable
{
    private readonly SyncBackgroundService _sync;
    private readonly PluginHost _host;
    private readonly RemotePluginsReadiness _readiness;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _refreshing = new(1, 1);
    private Task _readied = Task.CompletedTask;

    public RemotePluginsStartup(SyncBackgroundService sync, PluginHost host, RemotePluginsReadiness readiness, ILogger<RemotePluginsStartup> logger)
    {
        _sync = sync;
        _host = host;
        _readiness = readiness;
        _logger = logger;

        // Subscribed before any hosted service starts: no sync can finish unseen.
        _sync.Synced += OnSynced;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _readied = BecomeReadyAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _sync.Synced -= OnSynced;
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _readied.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        _sync.Synced -= OnSynced;
        _stopping.Dispose();
        _refreshing.Dispose();
    }

    private async Task BecomeReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var run = await _sync.SyncedOnStart.WaitAsync(cancellationToken).ConfigureAwait(false);
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            if (run is not null)
            {
                foreach (var source in run.Sources)
                {
                    _logger.LogInformation(
                        "Synced on start: source {Source} {Status}, {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed",
                        source.Source, source.Status, source.Added, source.Updated, source.Unchanged, source.Removed);
                }
            }

            _readiness.SetReady(run);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void OnSynced(object? sender, SyncRun run) => _ = RefreshSafelyAsync();

    private async Task RefreshSafelyAsync()
    {
        try
        {
            await RefreshAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Taking up the plugins of the last sync failed: {Error}; the watcher picks the changes up after its debounce", ex.Message);
        }
    }

    // One refresh at a time.
    private async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await _refreshing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _host.RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _refreshing.Release();
        }
    }
}

using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Resolution;
using Plugboard.Sources.Sync;

namespace Plugboard.Sources.DependencyInjection;

/// <summary>
/// Builds the current plugins view from the cache when the host starts (no network, so a host starts even
/// with every source down), then syncs on start and every <see cref="PlugboardSourcesOptions.SyncInterval"/>,
/// refreshing the view after each sync. Failures are logged; the host keeps running on what it has.
/// </summary>
/// <remarks>
/// The view is built in <see cref="StartingAsync"/>, which the generic host runs before it starts any hosted
/// service: a plugin host loading that folder finds it ready whatever the order the services were added in.
/// </remarks>
public sealed class SyncBackgroundService : BackgroundService, IHostedLifecycleService
{
    private readonly TaskCompletionSource<SyncRun?> _syncedOnStart = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _viewBuilt;

    private readonly SyncRunner _runner;
    private readonly CachedPluginResolver _resolver;
    private readonly CurrentPluginsDirectory _current;
    private readonly PlugboardSourcesOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private PeriodicTimer? _timer;

    /// <summary>Creates the service; <paramref name="time"/> drives the sync interval (the system clock when none is registered).</summary>
    public SyncBackgroundService(SyncRunner runner, CachedPluginResolver resolver, CurrentPluginsDirectory current, IOptions<PlugboardSourcesOptions> options, ILogger<SyncBackgroundService> logger, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _runner = runner;
        _resolver = resolver;
        _current = current;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Raised after each sync with its run record.</summary>
    public event EventHandler<SyncRun>? Synced;

    /// <summary>
    /// Completes once the sync on start has run, with its record: null when it threw (the reason is logged) or when
    /// <see cref="PlugboardSourcesOptions.SyncOnStart"/> is off. The current view then holds what that sync brought,
    /// or the cache's last good state.
    /// </summary>
    internal Task<SyncRun?> SyncedOnStart => _syncedOnStart.Task;

    /// <summary>Builds the current view from the cache, before any hosted service starts.</summary>
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await RefreshCurrentAsync(cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _viewBuilt, true);
    }

    /// <inheritdoc />
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Started outside a generic host (no StartingAsync): build the view now.
        if (!Volatile.Read(ref _viewBuilt))
        {
            await StartingAsync(cancellationToken).ConfigureAwait(false);
        }

        // Made here rather than in ExecuteAsync (which runs on its own thread): the interval counts from the host's start.
        _timer = _options.SyncInterval > TimeSpan.Zero ? new PeriodicTimer(_options.SyncInterval, _time) : null;
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Syncs now and refreshes the current view.</summary>
    public async Task<SyncRun> SyncNowAsync(CancellationToken cancellationToken = default)
    {
        var run = await _runner.SyncAsync(SyncOptions.Default, null, cancellationToken).ConfigureAwait(false);
        foreach (var failed in run.Sources.Where(s => s.Status == SourceSyncStatus.Failed))
        {
            _logger.LogError("Sync of source {Source} failed: {Error}", failed.Source, failed.Error);
        }

        await RefreshCurrentAsync(cancellationToken).ConfigureAwait(false);
        Synced?.Invoke(this, run);
        return run;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.SyncOnStart)
        {
            _syncedOnStart.TrySetResult(await SyncSafelyAsync(stoppingToken).ConfigureAwait(false));
        }
        else
        {
            _syncedOnStart.TrySetResult(null);
        }

        if (_timer is not { } timer)
        {
            return;
        }

        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await SyncSafelyAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<SyncRun?> SyncSafelyAsync(CancellationToken stoppingToken)
    {
        try
        {
            return await SyncNowAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Plugin sync failed: {Error} The host keeps the plugins it has.", ex.Message);
            return null;
        }
    }

    private async Task RefreshCurrentAsync(CancellationToken cancellationToken)
    {
        try
        {
            var plugins = await _resolver.ResolveAsync(cancellationToken).ConfigureAwait(false);
            await _current.UpdateAsync(plugins, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _logger.LogError(ex, "The current plugins folder {Directory} could not be refreshed from the cache: {Error}", _current.Directory, ex.Message);
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
        GC.SuppressFinalize(this);
    }
}

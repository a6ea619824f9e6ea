using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plugboard;
using Plugboard.Hosting;
using Plugboard.Hosting.Discovery;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.DependencyInjection;
using Plugboard.Sources.Sync;

namespace UserSync.Host;

/// <summary>
/// Optional remote loading: when the configuration has a <c>Plugboard:Sources</c> section, plugins come from the
/// sources (git, http, fs, …) through the local cache instead of a plain plugins folder. The host loads the cache's
/// <c>current/</c> folder — built from the cache alone, so it starts with every source unreachable — and hot-reloads
/// what each sync changes there.
/// </summary>
internal sealed class RemotePlugins
{
    private const string SectionName = "Plugboard:Sources";

    private readonly TaskCompletionSource<SyncRun> _syncedOnStart = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RemotePlugins()
    {
    }

    /// <summary>
    /// Adds the sources and points the plugin host at their current folder, with hot reload; null (nothing added) when
    /// no sources are configured. Call it before <c>AddPlugboard</c>, so the current folder is ready before plugins load.
    /// </summary>
    public static RemotePlugins? AddIfConfigured(IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        if (!section.Exists())
        {
            return null;
        }

        builder.Services.AddPlugboardSources(section);
        // PostConfigure: wins over a PluginsDirectory from appsettings.json or the command line.
        builder.Services.AddOptions<PlugboardOptions>().PostConfigure<IOptions<PlugboardSourcesOptions>>((plugboard, sources) =>
        {
            plugboard.PluginsDirectory = sources.Value.ResolvedCurrentDirectory;
            plugboard.WatchForChanges = true;
        });
        return new RemotePlugins();
    }

    /// <summary>Listens for the sync on start; call it after building the host and before starting it.</summary>
    public void ListenForSyncOnStart(IServiceProvider services)
    {
        var sync = services.GetRequiredService<SyncBackgroundService>();
        sync.Synced += (_, run) => _syncedOnStart.TrySetResult(run);
    }

    /// <summary>
    /// This sample runs one job and exits, so it waits for the sync on start (a long-running host would not) and then
    /// until the plugin host has taken up every plugin that sync put in the current folder.
    /// </summary>
    public async Task WaitForSyncOnStartAsync(IServiceProvider services, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var sources = services.GetRequiredService<IOptions<PlugboardSourcesOptions>>().Value;
        if (!sources.SyncOnStart)
        {
            return;
        }

        var logger = services.GetRequiredService<ILogger<RemotePlugins>>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            var run = await _syncedOnStart.Task.WaitAsync(deadline.Token);
            foreach (var source in run.Sources)
            {
                // A failure was logged with its reason by the sync itself.
                logger.LogInformation(
                    "Synced on start: source {Source} {Status}, {Added} added, {Updated} updated, {Unchanged} unchanged, {Removed} removed",
                    source.Source, source.Status, source.Added, source.Updated, source.Unchanged, source.Removed);
            }

            var host = services.GetRequiredService<PluginHost>();
            var folders = PluginDirectoryScanner.Scan(sources.ResolvedCurrentDirectory).Where(f => f.IsValid).ToList();
            while (!folders.All(folder => HasTakenUp(host, folder)))
            {
                await Task.Delay(100, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The sync on start did not finish within {Timeout}; running with the plugins the cache had.", timeout);
        }
    }

    // The host runs the folder's version, or tried it and keeps the previous one because it failed.
    private static bool HasTakenUp(PluginHost host, DiscoveredPlugin folder)
    {
        var version = folder.Manifest!.Version.ToNormalizedString();
        var status = host.GetStatus(folder.Id);
        return status is not null
            && ((status.Version == version && status.Phase is PluginPhase.Active or PluginPhase.Failed or PluginPhase.Verified or PluginPhase.Discovered)
                || status.Events.Any(e => e.Version == version && e.Phase == PluginPhase.Failed));
    }
}

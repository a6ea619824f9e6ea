using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Plugboard.Hosting.Runtimes;
using Plugboard.Server.Configuration;

namespace Plugboard.Server.Realization;

/// <summary>
/// Realizes installations in the center's own process through Plugboard.Hosting's runtimes, and drives the
/// lifecycle all plugins share (<see cref="IPlugin"/> Init and Verify) without knowing any contract type.
/// One instance per installation; a new one replaces the old only after its Init and Verify succeeded, so
/// a configuration update or an upgrade has no downtime (for a process plugin: a second process runs beside the
/// first until the swap, then the first is stopped). The supervisor of a process plugin restarts it after a crash
/// and repeats Init with the same configuration; what it reports is raised as <see cref="HealthChanged"/>.
/// </summary>
internal sealed class LocalRealizer(HostingRuntimes runtimes, ILoggerFactory loggers, IOptions<CenterOptions> options, CenterMetrics metrics) : IInstallationRealizer, IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Running> _running = new(StringComparer.Ordinal);

    public event EventHandler<InstanceHealthChangedEventArgs>? HealthChanged;

    public RealizedInstance? Find(string installationId) =>
        _running.TryGetValue(installationId, out var running) ? new RealizedInstance(running.Version, running.Generation) : null;

    public async Task<RealizationResult> RealizeAsync(RealizationRequest request, Func<string, CancellationToken, Task> stage, CancellationToken cancellationToken)
    {
        var manifest = request.Manifest;
        var version = manifest.Version.ToNormalizedString();
        var logger = loggers.CreateLogger($"Plugboard.Plugins.{manifest.Id}");
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["InstallationId"] = request.InstallationId, ["PluginId"] = manifest.Id, ["Version"] = version });

        // Owned by the running instance once it is Active; released with it (ReleaseInstanceAsync) on every other path.
#pragma warning disable CA2000
        var stopping = new CancellationTokenSource();
#pragma warning restore CA2000
        LoadedPlugin? loaded = null;
        JsonObject? metadata = null;
        bool? ready = null;
        try
        {
            await stage("Loading", cancellationToken).ConfigureAwait(false);
            loaded = await runtimes.LoadAsync(manifest, request.Directory, request.Configuration, logger, stopping.Token, cancellationToken).ConfigureAwait(false);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.Value.Controller.LifecycleTimeout);
            await stage("Initializing", cancellationToken).ConfigureAwait(false);
            if (loaded.Implementation is IPlugin plugin)
            {
                var init = await Call(manifest.Id, "init", () => plugin.InitAsync(loaded.Context, timeout.Token)).ConfigureAwait(false);
                metadata = JsonSerializer.SerializeToNode(init.Values) as JsonObject ?? [];
                await stage("Verifying", cancellationToken).ConfigureAwait(false);
                var verify = await Call(manifest.Id, "verify", () => plugin.VerifyAsync(timeout.Token)).ConfigureAwait(false);
                ready = verify.IsReady;
                if (!verify.IsReady)
                {
                    await ReleaseInstanceAsync(loaded, stopping).ConfigureAwait(false);
                    return new RealizationResult(false, metadata, false, $"Verify: {verify.Reason}");
                }
            }
            else
            {
                metadata = [];
                ready = true;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (loaded is not null)
            {
                await ReleaseInstanceAsync(loaded, stopping).ConfigureAwait(false);
            }
            else
            {
                stopping.Dispose();
            }

            var reason = ex switch
            {
                PluginLoadException or NotSupportedException => ex.Message,
                OperationCanceledException => $"Init/Verify did not finish within {options.Value.Controller.LifecycleTimeout.TotalSeconds:0}s",
                _ => $"{(metadata is null ? "Init" : "Verify")} failed: {ex.Message}",
            };
            logger.LogWarning("Realizing installation {InstallationId} ({PluginId} {Version}) failed: {Reason}", request.InstallationId, manifest.Id, version, reason);
            return new RealizationResult(false, metadata, ready, reason);
        }

        var installationId = request.InstallationId;
        var generation = request.Generation;
        // Owned by the running instance; disposed when it is released.
#pragma warning disable CA2000
        var watch = new InstanceHealthWatch(loaded, (serving, reason) =>
            HealthChanged?.Invoke(this, new InstanceHealthChangedEventArgs(installationId, generation, version, serving, reason)));
#pragma warning restore CA2000
        var running = new Running(version, request.Generation, loaded, stopping, watch);
        Running? previous = null;
        _running.AddOrUpdate(request.InstallationId, running, (_, old) =>
        {
            previous = old;
            return running;
        });
        if (previous is not null)
        {
            await ReleaseInstanceAsync(previous).ConfigureAwait(false);
        }

        logger.LogInformation("Installation {InstallationId} runs {PluginId} {Version}", request.InstallationId, manifest.Id, version);
        return new RealizationResult(true, metadata, true, null);
    }

    public async Task ReleaseAsync(string installationId, CancellationToken cancellationToken)
    {
        if (_running.TryRemove(installationId, out var running))
        {
            await ReleaseInstanceAsync(running).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var id in _running.Keys.ToList())
        {
            await ReleaseAsync(id, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<T> Call<T>(string pluginId, string operation, Func<ValueTask<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch
        {
            metrics.PluginCallFailed(pluginId, operation);
            throw;
        }
        finally
        {
            metrics.PluginCalled(pluginId, operation);
        }
    }

    private static Task ReleaseInstanceAsync(Running running)
    {
        running.Watch.Dispose();
        return ReleaseInstanceAsync(running.Loaded, running.Stopping);
    }

    // Unloading stops a process plugin: Shutdown, then stdin closed, SIGTERM, and its process tree killed after the grace.
    private static async Task ReleaseInstanceAsync(LoadedPlugin loaded, CancellationTokenSource stopping)
    {
        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await loaded.UnloadAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        finally
        {
            stopping.Dispose();
        }
    }

    private sealed record Running(string Version, long Generation, LoadedPlugin Loaded, CancellationTokenSource Stopping, InstanceHealthWatch Watch);
}

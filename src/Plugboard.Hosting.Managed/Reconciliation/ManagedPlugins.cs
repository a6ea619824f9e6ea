using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using NuGet.Versioning;
using Plugboard.Packaging;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Locking;
using Plugboard.Sources.Resolution;

namespace Plugboard.Hosting.Managed;

/// <summary>
/// Makes the host's plugins what the center asks for, level-triggered: each package is fetched by digest into the
/// local cache (checked against the digest and the host's lock file, never taken from the original sources), the
/// current/ folder gets each installation's version by a folder swap (<see cref="CurrentPluginsDirectory"/>), and the
/// host's own pipeline loads it (a new version or configuration is initialized and verified beside the running one
/// and swapped in; calls in flight finish on the old one). What is no longer asked for is unloaded.
/// </summary>
internal sealed class ManagedPlugins
{
    private readonly PluginHost _host;
    private readonly CacheStore _cache;
    private readonly CurrentPluginsDirectory _current;
    private readonly string _lockFile;
    private readonly string _downloads;
    private readonly ILogger _logger;
    private readonly Dictionary<string, long> _applied = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Generation, string Reason)> _failed = new(StringComparer.Ordinal);
    private DesiredState? _desired;

    public ManagedPlugins(PluginHost host, string stateDirectory, ILogger logger)
    {
        _host = host;
        _cache = new CacheStore(Path.Combine(stateDirectory, "cache"));
        _current = new CurrentPluginsDirectory(Path.Combine(stateDirectory, "current"));
        _lockFile = Path.Combine(stateDirectory, "plugboard.lock");
        _downloads = Path.Combine(stateDirectory, "downloads");
        _logger = logger;
    }

    /// <summary>The plugins folder the host loads.</summary>
    public string CurrentDirectory => _current.Directory;

    /// <summary>The desired state applied last.</summary>
    public DesiredState? Desired => _desired;

    /// <summary>The generations applied per installation.</summary>
    public IReadOnlyDictionary<string, long> Applied => _applied;

    /// <summary>
    /// Takes up a saved state before the host starts: configurations go to the host's options, so its start loads
    /// current/ exactly as it was (no network).
    /// </summary>
    public void Restore(HostState state)
    {
        _desired = state.Desired;
        foreach (var (id, generation) in state.Applied)
        {
            _applied[id] = generation;
        }

        foreach (var installation in state.Desired.Installations)
        {
            _host.Options.Plugins.GetOrAdd(installation.Plugin).Configuration = (JsonObject)installation.Config.DeepClone();
        }
    }

    /// <summary>Applies <paramref name="desired"/>; <paramref name="download"/> fetches a package the cache lacks.</summary>
    public async Task ApplyAsync(DesiredState desired, Func<PackageDigest, string, CancellationToken, Task> download, CancellationToken cancellationToken)
    {
        var previous = _desired?.Installations.ToDictionary(i => i.Plugin, StringComparer.Ordinal) ?? [];
        var resolved = new List<ResolvedPlugin>();
        var ready = new List<DesiredInstallation>();
        foreach (var installation in desired.Installations)
        {
            try
            {
                resolved.Add(await FetchAsync(installation, download, cancellationToken).ConfigureAwait(false));
                ready.Add(installation);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var reason = $"fetching {installation.Plugin} {installation.Version} ({installation.Digest}) failed: {ex.Message}";
                _failed[installation.Id] = (installation.Generation, reason);
                _logger.LogWarning("Installation {InstallationId}: {Reason}", installation.Id, reason);

                // Keep what runs: the version applied before stays in current/.
                if (previous.TryGetValue(installation.Plugin, out var before) && await TryCachedAsync(before, cancellationToken).ConfigureAwait(false) is { } kept)
                {
                    resolved.Add(kept);
                }
            }
        }

        foreach (var installation in ready)
        {
            _host.Options.Plugins.GetOrAdd(installation.Plugin).Configuration = (JsonObject)installation.Config.DeepClone();
        }

        var changed = (await _current.UpdateAsync(resolved, cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        foreach (var id in changed.Where(id => !Directory.Exists(Path.Combine(_current.Directory, id))))
        {
            if (_host.GetStatus(id) is not null)
            {
                await _host.UnloadAsync(id, cancellationToken).ConfigureAwait(false);
                _logger.LogInformation("Plugin {PluginId} is no longer installed in this scope; unloaded", id);
            }

            _host.Options.Plugins[id] = new PluginOptions();
        }

        foreach (var installation in ready)
        {
            var folder = Path.Combine(_current.Directory, installation.Plugin);
            var configChanged = previous.TryGetValue(installation.Plugin, out var before) && !JsonNode.DeepEquals(before.Config, installation.Config);
            var loaded = _host.GetStatus(installation.Plugin);
            if (!changed.Contains(installation.Plugin) && !configChanged && loaded is { IsActive: true }
                && _applied.GetValueOrDefault(installation.Id) == installation.Generation)
            {
                continue;
            }

            var status = await _host.LoadAsync(folder, cancellationToken).ConfigureAwait(false);
            if (status.IsActive && status.Version == installation.Version && status.Error is null)
            {
                _applied[installation.Id] = installation.Generation;
                _failed.Remove(installation.Id);
                _logger.LogInformation("Installation {InstallationId}: {PluginId} {Version} active at generation {Generation}", installation.Id, installation.Plugin, installation.Version, installation.Generation);
            }
            else
            {
                var reason = status.Error ?? $"{installation.Plugin} is {status.Phase}";
                _failed[installation.Id] = (installation.Generation, reason);
                _logger.LogWarning("Installation {InstallationId}: {PluginId} {Version} did not become active: {Reason}", installation.Id, installation.Plugin, installation.Version, reason);
            }
        }

        foreach (var gone in _applied.Keys.Where(id => desired.Installations.All(i => i.Id != id)).ToList())
        {
            _applied.Remove(gone);
            _failed.Remove(gone);
        }

        _desired = desired;
    }

    /// <summary>What the host runs, per installation of the desired state.</summary>
    public IReadOnlyList<InstallationReport> Report()
    {
        var list = new List<InstallationReport>();
        foreach (var installation in _desired?.Installations ?? [])
        {
            var status = _host.GetStatus(installation.Plugin);
            var applied = _applied.TryGetValue(installation.Id, out var generation);
            JsonObject? metadata = status is null ? null : ToJson(status.Metadata);
            if (_failed.TryGetValue(installation.Id, out var failure) && failure.Generation == installation.Generation)
            {
                list.Add(new InstallationReport(installation.Id, "Failed", status?.Version, installation.Generation, metadata, status?.Verification?.IsReady, status?.Verification?.Reason, status?.IsActive == true, failure.Reason));
            }
            else if (applied && generation == installation.Generation && status is { IsActive: true })
            {
                list.Add(new InstallationReport(installation.Id, "Active", status.Version, generation, metadata, status.Verification?.IsReady, status.Verification?.Reason, true, null));
            }
            else
            {
                list.Add(new InstallationReport(installation.Id, "Loading", status?.Version, applied ? generation : 0, metadata, status?.Verification?.IsReady, status?.Verification?.Reason, status?.IsActive == true,
                    status?.Error ?? $"{installation.Plugin} {installation.Version} is being loaded"));
            }
        }

        return list;
    }

    private async Task<ResolvedPlugin> FetchAsync(DesiredInstallation installation, Func<PackageDigest, string, CancellationToken, Task> download, CancellationToken cancellationToken)
    {
        var digest = PackageDigest.Parse(installation.Digest);
        var version = NuGetVersion.Parse(installation.Version);

        // The lock: once this host ran id@version with some bytes, it never runs other bytes under that name.
        var locks = await PluginLockFile.LoadAsync(_lockFile, cancellationToken).ConfigureAwait(false);
        if (locks.Check(installation.Plugin, version.ToNormalizedString(), digest, "center"))
        {
            await locks.SaveAsync(cancellationToken).ConfigureAwait(false);
        }

        if (!await _cache.Blobs.ExistsAsync(digest, cancellationToken).ConfigureAwait(false))
        {
            Directory.CreateDirectory(_downloads);
            var temp = Path.Combine(_downloads, $"{digest.Hex[..12]}.{Guid.NewGuid():N}.pbpkg");
            try
            {
                await download(digest, temp, cancellationToken).ConfigureAwait(false);
                await _cache.Blobs.PutAsync(digest, temp, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                File.Delete(temp);
            }
        }

        var directory = await _cache.EnsureExtractedAsync(Entry(installation, digest), cancellationToken).ConfigureAwait(false);
        return new ResolvedPlugin(installation.Plugin, version, digest, directory, "center", installation.Id);
    }

    private async Task<ResolvedPlugin?> TryCachedAsync(DesiredInstallation installation, CancellationToken cancellationToken)
    {
        var digest = PackageDigest.Parse(installation.Digest);
        if (!await _cache.Blobs.ExistsAsync(digest, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var directory = await _cache.EnsureExtractedAsync(Entry(installation, digest), cancellationToken).ConfigureAwait(false);
        return new ResolvedPlugin(installation.Plugin, NuGetVersion.Parse(installation.Version), digest, directory, "center", installation.Id);
    }

    private static CacheEntry Entry(DesiredInstallation installation, PackageDigest digest) => new()
    {
        Source = "center", Set = string.Empty, Id = installation.Plugin, Version = NuGetVersion.Parse(installation.Version).ToNormalizedString(),
        Digest = digest.Value, Origin = "center", Fingerprint = digest.Value, Included = true,
    };

    private static JsonObject ToJson(PluginMetadata metadata)
    {
        try
        {
            return JsonSerializer.SerializeToNode(metadata.Values) as JsonObject ?? [];
        }
        catch (NotSupportedException)
        {
            return new JsonObject(metadata.Values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value?.ToString()))));
        }
    }
}

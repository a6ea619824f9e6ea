using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using NuGet.Versioning;
using Plugboard.Server.Catalog;
using Plugboard.Server.Configuration;
using Plugboard.Server.Events;
using Plugboard.Server.Realization;
using Plugboard.Server.Store;

namespace Plugboard.Server.Installations;

/// <summary>
/// Drives every installation of the center's scope to what it asks for, one step per look, level-triggered:
/// resolve the version → wait for dependencies → realize (load, Init, Verify) → Active; or Failed with the reason,
/// retried with backoff. Every phase is saved (with its event) before the work it names starts, so after a crash
/// each installation continues from its recorded phase; the instances themselves live in this process, so after
/// a restart every installation is realized once again (<see cref="IInstallationRealizer.Find"/> is empty).
/// </summary>
public sealed class InstallationController(
    IDbContextFactory<CenterDbContext> store,
    CatalogService catalog,
    CenterCache cache,
    InstallationConfig configs,
    IInstallationRealizer realizer,
    EventLog events,
    Coordination.Leases leases,
    CenterMetrics metrics,
    TimeProvider time,
    IOptions<CenterOptions> options,
    ILogger<InstallationController> logger) : BackgroundService
{
    /// <summary>The actor named on the controller's events.</summary>
    public const string Actor = "controller";

    /// <summary>The actor named on events the runtimes' supervision reports (a process restarted, an endpoint not serving).</summary>
    public const string SupervisorActor = "supervisor";

    private readonly SemaphoreSlim _signal = new(0);
    private readonly Channel<InstanceHealthChangedEventArgs> _health = Channel.CreateUnbounded<InstanceHealthChangedEventArgs>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Asks the controller to look at every installation now.</summary>
    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Controller.Enabled)
        {
            return;
        }

        realizer.HealthChanged += OnHealthChanged;
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        finally
        {
            realizer.HealthChanged -= OnHealthChanged;
        }
    }

    private async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RecordHealthAsync(stoppingToken).ConfigureAwait(false);
                await ReconcileAllAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "The installation controller's pass failed; it tries again");
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(options.Value.Controller.ResyncInterval, time, wait.Token);
            var signal = _signal.WaitAsync(wait.Token);
            await Task.WhenAny(delay, signal).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
            stoppingToken.ThrowIfCancellationRequested();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    /// <summary>One look at every installation of this center's scope.</summary>
    public async Task ReconcileAllAsync(CancellationToken cancellationToken)
    {
        List<(string Id, string Phase)> looked;
        await using (var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            var scope = options.Value.Controller.Scope;
            looked = (await db.Installations.AsNoTracking().Where(i => i.Scope == scope).OrderBy(i => i.CreatedAt)
                .Select(i => new { i.Id, i.Phase }).ToListAsync(cancellationToken).ConfigureAwait(false))
                .Select(i => (i.Id, i.Phase)).ToList();
        }

        // For the installations-per-phase gauge: what this look found (a metrics scrape never queries the store).
        metrics.InstallationsCounted(looked.GroupBy(i => i.Phase, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
        var ids = looked.Select(i => i.Id).ToList();

        foreach (var id in ids)
        {
            try
            {
                // Several replicas on one store: each installation is worked on by the one replica holding its lease.
                if (!await leases.TryAcquireAsync(Coordination.Leases.OfInstallation(id), cancellationToken).ConfigureAwait(false))
                {
                    await LetGoAsync(id, "another replica holds its lease", cancellationToken).ConfigureAwait(false);
                    continue;
                }

                await ReconcileAsync(id, cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Changed through the API meanwhile: the next look works from the new state.
                Wake();
            }
            catch (Coordination.LeaseLostException ex)
            {
                await LetGoAsync(id, ex.Message, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Moves one installation one step towards what it asks for.</summary>
    public async Task ReconcileAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Installations.FirstOrDefaultAsync(i => i.Id == id, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return;
        }

        using var scope = BeginScope(row, row.Version ?? row.PinnedVersion);
        if (row.Deleting)
        {
            await realizer.ReleaseAsync(row.Id, cancellationToken).ConfigureAwait(false);
            events.Add(db, "installation.uninstalled", Actor, "released and removed", row.Id, row.PluginId, row.Version, "Uninstalled");
            db.Installations.Remove(row);
            await SaveAsync(db, cancellationToken).ConfigureAwait(false);
            await leases.ReleaseAsync(Coordination.Leases.OfInstallation(row.Id), cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Installation {InstallationId} of {PluginId} uninstalled", row.Id, row.PluginId);
            return;
        }

        var upToDate = row.ObservedGeneration == row.Generation;
        if (row.Phase == Phases.Failed && upToDate && row.NextAttemptAt > time.GetUtcNow())
        {
            return;
        }

        var versions = await catalog.VersionsAsync(row.PluginId, cancellationToken).ConfigureAwait(false);
        var target = CatalogService.Resolve(versions, row.UpgradeMode, row.PinnedVersion, row.Phase == Phases.Active || realizer.Find(row.Id) is not null ? row.Version : null);
        if (target is null)
        {
            var why = row.UpgradeMode == "manual"
                ? $"version {row.PinnedVersion} of {row.PluginId} is not in the catalog; sync its source or upload it"
                : $"no version of {row.PluginId} in the catalog can be installed (none, or none the upgrade rules allow from {row.Version})";
            await FailAsync(db, row, why, cancellationToken).ConfigureAwait(false);
            return;
        }

        var version = target.Row.Version;
        using var versionScope = version == (row.Version ?? row.PinnedVersion) ? null : BeginScope(row, version);
        var running = realizer.Find(row.Id);
        if (row.Phase == Phases.Active && running is not null && running.Version == version && running.Generation == row.Generation)
        {
            return;
        }

        // Configuration: validated against the version that will run (a new version may add required fields).
        var configuration = configs.Join(row.ConfigJson, row.SecretsCipher);
        JsonObject validated = configuration;
        if (target.Manifest.ConfigSchema is { } schema)
        {
            var result = schema.Validate(configuration);
            if (result.Errors.Count > 0)
            {
                await FailAsync(db, row, $"the configuration is not valid for {row.PluginId} {version}: " + string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}")), cancellationToken).ConfigureAwait(false);
                return;
            }

            validated = result.Value;
        }

        // Dependencies: each must be an Active installation in the same scope with a version in range.
        foreach (var dependency in target.Manifest.Dependencies)
        {
            var candidates = await db.Installations.AsNoTracking()
                .Where(i => i.PluginId == dependency.Id && i.Scope == row.Scope && i.Phase == Phases.Active && !i.Deleting)
                .Select(i => i.Version).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (!candidates.Any(v => v is not null && dependency.Versions.Satisfies(NuGetVersion.Parse(v))))
            {
                await MoveAsync(db, row, Phases.WaitingForDependencies, $"waiting for {dependency.Id} {dependency.Versions} to be Active in scope '{row.Scope}'", version, cancellationToken).ConfigureAwait(false);
                return;
            }
        }

        var from = running?.Version;
        var why2 = from is null ? $"realizing {row.PluginId} {version}"
            : from != version ? $"upgrading {row.PluginId} from {from} to {version}"
            : $"applying configuration generation {row.Generation} to {row.PluginId} {version}";
        var generation = row.Generation;
        var directory = target.Row.Digest is null ? null
            : await cache.ExtractAsync(target.Row.Origin, row.PluginId, version, target.Row.Digest, cancellationToken).ConfigureAwait(false);
        var realized = await realizer.RealizeAsync(
            new RealizationRequest(row.Id, generation, target.Manifest, directory, validated),
            async (stage, ct) => await MoveAsync(db, row, stage, stage == Phases.Loading ? why2 : null, version, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        if (realized.Succeeded)
        {
            row.Version = version;
            row.MetadataJson = realized.Metadata?.ToJsonString();
            row.VerifyReady = realized.Ready;
            row.VerifyReason = null;
            row.Attempts = 0;
            row.NextAttemptAt = null;
            row.ObservedGeneration = generation;
            await MoveAsync(db, row, Phases.Active, $"{row.PluginId} {version} initialized and verified", version, cancellationToken).ConfigureAwait(false);
            return;
        }

        row.MetadataJson = realized.Metadata?.ToJsonString() ?? row.MetadataJson;
        row.VerifyReady = realized.Ready;
        row.VerifyReason = realized.Ready == false ? realized.Reason : null;
        var still = realizer.Find(row.Id);
        if (still is not null)
        {
            row.Version = still.Version;
        }

        var reason = still is null ? realized.Reason! : $"{realized.Reason} ({row.PluginId} {still.Version} keeps running with its previous configuration)";
        await FailAsync(db, row, reason, cancellationToken).ConfigureAwait(false);
    }

    // An instance this replica runs for an installation whose lease it no longer holds is stopped: the replica
    // holding the lease realizes it, and one installation never runs in two replicas.
    private async Task LetGoAsync(string id, string why, CancellationToken cancellationToken)
    {
        if (realizer.Find(id) is not null)
        {
            logger.LogWarning("Installation {InstallationId}: releasing this replica's instance: {Reason}", id, why);
            await realizer.ReleaseAsync(id, cancellationToken).ConfigureAwait(false);
        }
    }

    // Every log line about an installation carries its id, plugin id and version as structured fields.
    private IDisposable? BeginScope(InstallationRow row, string? version) =>
        logger.BeginScope(new Dictionary<string, object?> { ["InstallationId"] = row.Id, ["PluginId"] = row.PluginId, ["Version"] = version });

    // Runs on the runtime's thread: only queue the report; the controller's loop records it.
    private void OnHealthChanged(object? sender, InstanceHealthChangedEventArgs report)
    {
        if (_health.Writer.TryWrite(report))
        {
            Wake();
        }
    }

    /// <summary>
    /// Records what the runtimes' supervision reported about running instances: the installation stays Active (its
    /// supervisor restarts a crashed process and repeats Init; an endpoint is called again once it answers), its reason
    /// says what happened, and an event is recorded for each report.
    /// </summary>
    private async Task RecordHealthAsync(CancellationToken cancellationToken)
    {
        while (_health.Reader.TryRead(out var report))
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await RecordHealthAsync(report, cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (DbUpdateConcurrencyException) when (attempt < 3)
                {
                    // Changed through the API meanwhile: record it on the current row.
                }
                catch (Coordination.LeaseLostException)
                {
                    break; // the replica holding the installation now records its own instance's health
                }
            }
        }
    }

    private async Task RecordHealthAsync(InstanceHealthChangedEventArgs report, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Installations.FirstOrDefaultAsync(i => i.Id == report.InstallationId, cancellationToken).ConfigureAwait(false);
        if (row is null || row.Deleting || realizer.Find(row.Id) is not { } running || running.Generation != report.Generation || running.Version != report.Version)
        {
            return; // uninstalled or replaced meanwhile: the report is about an instance that no longer counts
        }

        using var scope = BeginScope(row, report.Version);
        var reason = report.Serving
            ? $"{row.PluginId} {report.Version} serves again: {report.Reason}"
            : $"{row.PluginId} {report.Version} is not serving: {report.Reason}";
        if (report.Serving)
        {
            logger.LogInformation("Installation {InstallationId}: {Reason}", row.Id, reason);
        }
        else
        {
            logger.LogWarning("Installation {InstallationId}: {Reason}", row.Id, reason);
        }

        row.Reason = reason;
        row.UpdatedAt = time.GetUtcNow();
        events.Add(db, report.Serving ? "installation.recovered" : "installation.unhealthy", SupervisorActor, reason, row.Id, row.PluginId, report.Version, row.Phase);
        metrics.HealthChanged(row.PluginId, report.Serving);
        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
    }

    private async Task FailAsync(CenterDbContext db, InstallationRow row, string reason, CancellationToken cancellationToken)
    {
        row.Attempts++;
        var backoff = TimeSpan.FromTicks(Math.Min(
            options.Value.Controller.MaxBackoff.Ticks,
            options.Value.Controller.InitialBackoff.Ticks * (1L << Math.Min(row.Attempts - 1, 20))));
        row.NextAttemptAt = time.GetUtcNow() + backoff;
        row.ObservedGeneration = row.Generation;
        logger.LogWarning("Installation {InstallationId} of {PluginId} failed (attempt {Attempt}, next in {Backoff}): {Reason}", row.Id, row.PluginId, row.Attempts, backoff, reason);
        await MoveAsync(db, row, Phases.Failed, $"{reason}; retrying in {backoff.TotalSeconds:0}s (attempt {row.Attempts})", row.Version, cancellationToken).ConfigureAwait(false);
    }

    private async Task MoveAsync(CenterDbContext db, InstallationRow row, string phase, string? reason, string? version, CancellationToken cancellationToken)
    {
        if (row.Phase == phase && row.Reason == reason && db.Entry(row).State == EntityState.Unchanged)
        {
            return;
        }

        var changed = row.Phase != phase || row.Reason != reason;
        row.Phase = phase;
        row.Reason = reason;
        row.UpdatedAt = time.GetUtcNow();
        if (changed)
        {
            events.Add(db, "installation.phase", Actor, reason, row.Id, row.PluginId, version, phase);
            metrics.Transitioned(phase);
        }

        await SaveAsync(db, cancellationToken).ConfigureAwait(false);
    }

    private async Task SaveAsync(CenterDbContext db, CancellationToken cancellationToken)
    {
        // Fenced: a replica whose lease lapsed (paused, cut off from the store) saves nothing of what it did meanwhile.
        foreach (var installation in db.ChangeTracker.Entries<InstallationRow>().Where(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            await leases.EnsureHeldAsync(Coordination.Leases.OfInstallation(installation.Entity.Id), cancellationToken).ConfigureAwait(false);
        }

        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        events.Saved();
    }
}

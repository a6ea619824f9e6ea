using Stopwatch = System.Diagnostics.Stopwatch;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Plugboard.Manifests;
using Plugboard.Server.Catalog;
using Plugboard.Server.Events;
using Plugboard.Server.Installations;
using Plugboard.Server.Store;
using Plugboard.Sources.Configuration;

namespace Plugboard.Server.Sources;

/// <summary>
/// Syncs the sources stored in the center: one run at a time, each recorded (per source and per package, errors
/// included) and followed live on <see cref="SyncRunProgress"/> while it runs, its packages added to the catalog, and
/// the controller woken so <c>auto</c> installations move up. A source's credentials are opened only for its sync and
/// handed to Plugboard.Sources in memory.
/// </summary>
public sealed class SourceService(
    IDbContextFactory<CenterDbContext> store,
    SourcesSync sync,
    CenterCache cache,
    CatalogService catalog,
    EventLog events,
    InstallationController controller,
    Coordination.Leases leases,
    CenterMetrics metrics,
    SourceCredentials credentials,
    SyncRunProgress progress,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<SourceService> logger) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <inheritdoc />
    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>A sync that was started: its run's id and the task that completes with it.</summary>
    /// <param name="RunId">The id of the recorded run (status Running until it ends).</param>
    /// <param name="Completion">
    /// Completes when the run is recorded as finished, with its id; or, when another replica synced the source meanwhile,
    /// with that run's id (this run's record is then removed: the source was synced once).
    /// </param>
    public sealed record StartedSync(long RunId, Task<long> Completion);

    /// <summary>
    /// What Plugboard.Sources needs to know about a stored source, with its credentials given in memory when
    /// <paramref name="withCredentials"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A stored credential cannot be opened with this center's key.</exception>
    public SourceOptions ToOptions(SourceRow row, bool withCredentials = true)
    {
        var options = new SourceOptions
        {
            Name = row.Name,
            Type = row.Type,
            Url = row.Url,
            Path = row.Path,
            Ref = row.Ref,
            AllowInsecure = row.AllowInsecure,
            AllowLocalPaths = row.AllowInsecure,
            RequireSignature = row.RequireSignature,
            Sets = JsonSerializer.Deserialize<List<PluginSetOptions>>(row.SetsJson, Json) ?? [],
            Settings = new(JsonSerializer.Deserialize<Dictionary<string, string>>(row.SettingsJson, Json) ?? [], StringComparer.OrdinalIgnoreCase),
        };

        // An s3 source without stored keys reads the bucket anonymously, never with credentials of the center's own environment.
        if (string.Equals(row.Type, "s3", StringComparison.OrdinalIgnoreCase) && SourceCredentials.NamesOf(row).Count == 0 && !options.Settings.ContainsKey("credentials"))
        {
            options.Settings["credentials"] = "anonymous";
        }

        if (withCredentials)
        {
            credentials.GiveTo(row, options);
        }

        return options;
    }

    /// <summary>Every problem of the sources with <paramref name="candidate"/> added or replacing its namesake.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(SourceRow candidate, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var others = await db.Sources.AsNoTracking().Where(s => s.Name != candidate.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        return SourcesSync.Check(cache.Directory, [.. others.Select(o => ToOptions(o, withCredentials: false)), ToOptions(candidate)]);
    }

    /// <summary>
    /// Syncs one source now and records the run; returns the id of the run that synced it. With several replicas on one
    /// store, a source is synced by one replica at a time (the lease <c>sync:NAME</c>): a replica asked while another
    /// syncs it waits for that run and answers with it instead of running again.
    /// </summary>
    public async Task<long> SyncAsync(string name, string actor, CancellationToken cancellationToken)
    {
        var started = await StartAsync(name, actor, cancellationToken).ConfigureAwait(false);
        return await started.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Records a run of <paramref name="name"/> as Running and syncs it in the background (after any sync already running);
    /// <see cref="SyncRunProgress"/> follows it until it ends. It stops only when the center does.
    /// </summary>
    /// <exception cref="KeyNotFoundException">There is no such source.</exception>
    public async Task<StartedSync> StartAsync(string name, string actor, CancellationToken cancellationToken)
    {
        long id;
        long finishedBefore;
        await using (var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await db.Sources.AnyAsync(s => s.Name == name, cancellationToken).ConfigureAwait(false))
            {
                throw new KeyNotFoundException($"There is no source '{name}'.");
            }

            // With replicas, the last run of this source already finished when this one is asked for: one finishing
            // later (another replica's) syncs what this one would. A lone center has no other replica to wait for.
            finishedBefore = !leases.Enabled ? 0 : await db.SyncRuns.AsNoTracking().Where(r => r.Source == name && r.Status != "Running")
                .MaxAsync(r => (long?)r.Id, cancellationToken).ConfigureAwait(false) ?? 0;
            var run = new SyncRunRow { Source = name, Actor = actor, Status = "Running", StartedAt = time.GetUtcNow() };
            db.SyncRuns.Add(run);
            events.Add(db, "source.sync.started", actor, $"source '{name}' sync started");
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            id = run.Id;
        }

        events.Saved();
        var live = progress.Begin(id);
        var stopping = lifetime.ApplicationStopping;
        var completion = Task.Run(() => RunAsync(id, finishedBefore, name, actor, live, stopping), CancellationToken.None);
        return new StartedSync(id, completion);
    }

    private async Task<long> RunAsync(long id, long finishedBefore, string name, string actor, SyncRunProgress.Live live, CancellationToken cancellationToken)
    {
        try
        {
            await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!leases.Enabled)
                {
                    await SyncLockedAsync(id, name, actor, live, cancellationToken).ConfigureAwait(false);
                    return id;
                }

                return await SyncUnderLeaseAsync(id, finishedBefore, name, actor, live, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _oneAtATime.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogInformation("Sync run {RunId} of source {Source} stopped with the center", id, name);
            return id;
        }
        finally
        {
            progress.End(id);
        }
    }

    /// <summary>
    /// Syncs under the source's lease, shared by every replica of the store: a run of the source that finished after
    /// <paramref name="finishedBefore"/> (so after this one was asked for; another replica's) answers it, and this run's
    /// record goes.
    /// </summary>
    private async Task<long> SyncUnderLeaseAsync(long id, long finishedBefore, string name, string actor, SyncRunProgress.Live live, CancellationToken cancellationToken)
    {
        var lease = Coordination.Leases.OfSync(name);
        while (!await leases.TryAcquireAsync(lease, cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using (var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
            {
                var joined = await db.SyncRuns.AsNoTracking()
                    .Where(r => r.Source == name && r.Id != id && r.Id > finishedBefore && r.Status != "Running")
                    .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                if (joined is { } run)
                {
                    logger.LogInformation("Source {Source} was synced by another replica meanwhile (run {RunId}); not running it again", name, run);
                    await db.SyncRuns.Where(r => r.Id == id).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
                    return run;
                }
            }

            await SyncLockedAsync(id, name, actor, live, cancellationToken).ConfigureAwait(false);
            return id;
        }
        finally
        {
            await leases.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task SyncLockedAsync(long id, string name, string actor, SyncRunProgress.Live live, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var run = await db.SyncRuns.FirstAsync(r => r.Id == id, cancellationToken).ConfigureAwait(false);
        var sources = await db.Sources.ToListAsync(cancellationToken).ConfigureAwait(false);
        var source = sources.FirstOrDefault(s => s.Name == name);
        if (source is not null)
        {
            source.LastSyncAt = run.StartedAt;
        }

        var clock = Stopwatch.StartNew();
        try
        {
            if (source is null)
            {
                throw new InvalidOperationException($"Source '{name}' was removed before its sync began.");
            }

            var options = sources.Select(s => ToOptions(s, withCredentials: s.Name == name)).ToList();
            var (result, packages) = await sync.SyncAsync(cache.CreateStore(), options, name, live, cancellationToken).ConfigureAwait(false);
            run.Added = result.Added;
            run.Updated = result.Updated;
            run.Unchanged = result.Unchanged;
            run.Removed = result.Removed;
            run.Revision = result.Revision;
            run.Error = result.Error;
            var failed = result.Status != Plugboard.Sources.Sync.SourceSyncStatus.Ok;
            live.Importing(packages.Count);
            foreach (var package in packages)
            {
                var outcome = new SyncRunPackageRow { PluginId = package.Id, Version = package.Version, Digest = package.Digest, Outcome = "unchanged" };
                try
                {
                    var folder = await cache.ExtractAsync(name, package.Id, package.Version, package.Digest, cancellationToken).ConfigureAwait(false);
                    var yaml = await File.ReadAllTextAsync(Path.Combine(folder, PluginManifest.FileName), Encoding.UTF8, cancellationToken).ConfigureAwait(false);
                    var manifest = ManifestReader.Parse(yaml);
                    var (added, _) = await catalog.ImportAsync(yaml, manifest, package.Digest, package.SignatureKeyId, name, null, cancellationToken).ConfigureAwait(false);
                    outcome.Outcome = added ? "added" : "unchanged";
                }
                catch (Exception ex) when (ex is IOException or ManifestException or CatalogConflictException or Plugboard.Packaging.PackageException)
                {
                    outcome.Outcome = "failed";
                    outcome.Error = ex.Message;
                    failed = true;
                }

                run.Packages.Add(outcome);
                live.Imported(new SyncRunProgress.PackageProgress(outcome.PluginId, outcome.Version, outcome.Outcome, outcome.Error));
            }

            run.Status = failed ? "Failed" : "Ok";
            if (failed && run.Error is null)
            {
                run.Error = string.Join("; ", run.Packages.Where(p => p.Error is not null).Select(p => $"{p.PluginId} {p.Version}: {p.Error}"));
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            run.Status = "Failed";
            run.Error = ex.Message;
        }

        run.FinishedAt = time.GetUtcNow();
        var summary = run.Status == "Ok"
            ? $"source '{name}' synced: {run.Packages.Count(p => p.Outcome == "added")} added to the catalog, {run.Packages.Count(p => p.Outcome == "unchanged")} unchanged"
            : $"source '{name}' sync failed: {run.Error}";
        events.Add(db, "source.synced", actor, summary);
        await db.SaveChangesAsync(CancellationToken.None).ConfigureAwait(false);
        events.Saved();
        metrics.Synced(name, run.Status == "Ok", clock.Elapsed);
        logger.LogInformation("Sync run {RunId}: {Summary}", run.Id, summary);
        controller.Wake();
    }
}

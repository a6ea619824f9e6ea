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
/// included), its packages added to the catalog, and the controller woken so <c>auto</c> installations move up.
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
    TimeProvider time,
    ILogger<SourceService> logger) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    /// <inheritdoc />
    public void Dispose() => _oneAtATime.Dispose();

    /// <summary>What Plugboard.Sources needs to know about a stored source.</summary>
    public static SourceOptions ToOptions(SourceRow row) => new()
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
    };

    /// <summary>Every problem of the sources with <paramref name="candidate"/> added or replacing its namesake.</summary>
    public async Task<IReadOnlyList<string>> CheckAsync(SourceRow candidate, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var others = await db.Sources.AsNoTracking().Where(s => s.Name != candidate.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        return SourcesSync.Check(cache.Directory, [.. others.Select(ToOptions), ToOptions(candidate)]);
    }

    /// <summary>
    /// Syncs one source now and records the run; returns the run's id. With several replicas on one store, a source is
    /// synced by one replica at a time (the lease <c>sync:NAME</c>): a replica asked while another syncs it waits for
    /// that run and answers with it instead of running again.
    /// </summary>
    public async Task<long> SyncAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!leases.Enabled)
            {
                return await SyncLockedAsync(name, actor, cancellationToken).ConfigureAwait(false);
            }

            // Runs finished before this request: one finishing after it (another replica's) answers it.
            long finishedBefore;
            await using (var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
            {
                finishedBefore = await db.SyncRuns.AsNoTracking().Where(r => r.Source == name && r.Status != "Running")
                    .MaxAsync(r => (long?)r.Id, cancellationToken).ConfigureAwait(false) ?? 0;
            }

            var lease = Coordination.Leases.OfSync(name);
            while (!await leases.TryAcquireAsync(lease, cancellationToken).ConfigureAwait(false))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                await using (var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
                {
                    var joined = await db.SyncRuns.AsNoTracking().Where(r => r.Source == name && r.Id > finishedBefore && r.Status != "Running")
                        .OrderByDescending(r => r.Id).Select(r => (long?)r.Id).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
                    if (joined is { } run)
                    {
                        logger.LogInformation("Source {Source} was synced by another replica meanwhile (run {RunId}); not running it again", name, run);
                        return run;
                    }
                }

                return await SyncLockedAsync(name, actor, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await leases.ReleaseAsync(lease, CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private async Task<long> SyncLockedAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var sources = await db.Sources.ToListAsync(cancellationToken).ConfigureAwait(false);
        var source = sources.FirstOrDefault(s => s.Name == name) ?? throw new KeyNotFoundException($"There is no source '{name}'.");
        var run = new SyncRunRow { Source = name, Actor = actor, Status = "Running", StartedAt = time.GetUtcNow() };
        db.SyncRuns.Add(run);
        source.LastSyncAt = run.StartedAt;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        try
        {
            var (result, packages) = await sync.SyncAsync(cache.Directory, [.. sources.Select(ToOptions)], name, cancellationToken).ConfigureAwait(false);
            run.Added = result.Added;
            run.Updated = result.Updated;
            run.Unchanged = result.Unchanged;
            run.Removed = result.Removed;
            run.Revision = result.Revision;
            run.Error = result.Error;
            var failed = result.Status != Plugboard.Sources.Sync.SourceSyncStatus.Ok;
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
        return run.Id;
    }
}

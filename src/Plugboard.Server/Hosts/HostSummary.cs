using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Plugboard.Server.Configuration;
using Plugboard.Server.Events;
using Plugboard.Server.Installations;
using Plugboard.Server.Store;

namespace Plugboard.Server.Hosts;

/// <summary>
/// Gives each installation of a managed scope (any scope but the center's own) its phase as the summary over the
/// live hosts of that scope: Active when every one runs the current generation Active, Failed when one failed it,
/// Loading while some have yet to; Pending while no live host is there. An uninstalled installation's row is removed
/// once no live host still reports it. Level-triggered: each pass recomputes from the store, so it can run on any
/// replica, twice, or after a crash.
/// </summary>
public sealed class HostSummary(
    IDbContextFactory<CenterDbContext> store,
    HostRegistry hosts,
    DesiredState desired,
    EventLog events,
    TimeProvider time,
    IOptions<CenterOptions> options,
    ILogger<HostSummary> logger) : BackgroundService
{
    /// <summary>The actor named on the summary's events.</summary>
    public const string Actor = "hosts";

    private readonly SemaphoreSlim _signal = new(0);

    /// <summary>Asks for a pass now.</summary>
    public void Wake()
    {
        if (_signal.CurrentCount == 0)
        {
            _signal.Release();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _signal.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        hosts.Reported += OnReported;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await SummarizeAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Summing up the managed hosts' reports failed; it tries again");
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                await Task.WhenAny(Task.Delay(options.Value.Hosts.SummaryInterval, time, wait.Token), _signal.WaitAsync(wait.Token)).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            hosts.Reported -= OnReported;
        }
    }

    private void OnReported(object? sender, EventArgs e) => Wake();

    /// <summary>One pass over every installation of every managed scope.</summary>
    public async Task SummarizeAsync(CancellationToken cancellationToken)
    {
        var centerScope = options.Value.Controller.Scope;
        List<string> scopes;
        await using (var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            scopes = await db.Installations.AsNoTracking().Where(i => i.Scope != centerScope).Select(i => i.Scope).Distinct().ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        foreach (var scope in scopes)
        {
            try
            {
                await SummarizeScopeAsync(scope, cancellationToken).ConfigureAwait(false);
            }
            catch (DbUpdateConcurrencyException)
            {
                Wake(); // changed through the API meanwhile: the next pass works from the new state
            }
        }
    }

    private async Task SummarizeScopeAsync(string scope, CancellationToken cancellationToken)
    {
        var (_, problems) = await desired.ComputeAsync(scope, cancellationToken).ConfigureAwait(false);
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var live = (await db.ManagedHosts.AsNoTracking().Where(h => h.Scope == scope).ToListAsync(cancellationToken).ConfigureAwait(false))
            .Where(h => !hosts.IsStale(h.LastContactAt)).Select(h => h.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var rows = await db.Installations.Where(i => i.Scope == scope).ToListAsync(cancellationToken).ConfigureAwait(false);
        var ids = rows.Select(r => r.Id).ToList();
        var reports = (await db.ManagedHostReports.Where(r => ids.Contains(r.InstallationId)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(r => r.InstallationId, StringComparer.Ordinal);
        var changed = false;
        foreach (var row in rows)
        {
            var byHost = reports[row.Id].Where(r => live.Contains(r.HostName)).ToDictionary(r => r.HostName, StringComparer.Ordinal);
            if (row.Deleting)
            {
                if (byHost.Count == 0)
                {
                    db.ManagedHostReports.RemoveRange(reports[row.Id]);
                    db.Installations.Remove(row);
                    events.Add(db, "installation.uninstalled", Actor, $"unloaded by every live host of scope '{scope}' and removed", row.Id, row.PluginId, row.Version, "Uninstalled");
                    changed = true;
                }
                else
                {
                    changed |= Move(db, row, Phases.Uninstalling, $"waiting for {string.Join(", ", byHost.Keys)} to unload it");
                }

                continue;
            }

            if (problems.TryGetValue(row.Id, out var problem))
            {
                changed |= Move(db, row, Phases.Failed, problem);
                continue;
            }

            if (live.Count == 0)
            {
                changed |= Move(db, row, Phases.Pending, $"no live managed host in scope '{scope}'; start a host with UseCenter(url, token, \"{scope}\") (GET /api/v1/hosts lists them)");
                continue;
            }

            var current = live.Select(h => byHost.GetValueOrDefault(h)).ToList();
            var failed = current.Where(r => r is not null && r.Phase == Phases.Failed && r.Generation == row.Generation).ToList();
            if (current.All(r => r is not null && r.Phase == Phases.Active && r.Generation == row.Generation))
            {
                var first = current[0]!;
                row.Version = first.Version;
                row.MetadataJson = first.MetadataJson;
                row.VerifyReady = first.VerifyReady;
                row.VerifyReason = first.VerifyReason;
                row.ObservedGeneration = row.Generation;
                row.Attempts = 0;
                var unhealthy = current.Where(r => !r!.Healthy).Select(r => r!.HostName).ToList();
                changed |= Move(db, row, Phases.Active, unhealthy.Count == 0
                    ? $"{row.PluginId} {first.Version} active on {live.Count} host(s): {string.Join(", ", live)}"
                    : $"{row.PluginId} {first.Version} active on {live.Count} host(s); not serving on {string.Join(", ", unhealthy)}");
            }
            else if (failed.Count > 0)
            {
                changed |= Move(db, row, Phases.Failed, string.Join("; ", failed.Select(r => $"host {r!.HostName}: {r.Reason}")));
            }
            else
            {
                var waiting = live.Where(h => byHost.GetValueOrDefault(h) is not { Phase: Phases.Active } r || r.Generation != row.Generation).ToList();
                changed |= Move(db, row, Phases.Loading, $"{live.Count - waiting.Count} of {live.Count} host(s) run generation {row.Generation}; waiting for {string.Join(", ", waiting)}");
            }
        }

        if (changed)
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            events.Saved();
        }
    }

    private bool Move(CenterDbContext db, InstallationRow row, string phase, string reason)
    {
        var entry = db.Entry(row);
        if (row.Phase == phase && row.Reason == reason && entry.State == EntityState.Unchanged)
        {
            return false;
        }

        var phaseChanged = row.Phase != phase;
        row.Phase = phase;
        row.Reason = reason;
        row.UpdatedAt = time.GetUtcNow();
        if (phaseChanged)
        {
            events.Add(db, "installation.phase", Actor, reason, row.Id, row.PluginId, row.Version, phase);
        }

        return true;
    }
}

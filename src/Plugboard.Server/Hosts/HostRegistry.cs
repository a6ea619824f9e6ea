using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Plugboard.Server.Configuration;
using Plugboard.Server.Events;
using Plugboard.Server.Store;

namespace Plugboard.Server.Hosts;

/// <summary>What a host says about itself when it registers (and on every heartbeat).</summary>
/// <param name="Scope">The scope it runs; must be its token's.</param>
/// <param name="Runtimes">The runtimes it can run (assembly, process, …).</param>
/// <param name="Contracts">The contracts it declares.</param>
/// <param name="PlugboardVersion">The Plugboard version it runs.</param>
public sealed record RegisterHostRequest(string? Scope, IReadOnlyList<string>? Runtimes, IReadOnlyList<string>? Contracts, string? PlugboardVersion);

/// <summary>One installation as a host runs it.</summary>
/// <param name="Id">The installation id.</param>
/// <param name="Phase">Loading, Active or Failed.</param>
/// <param name="Version">The version it runs.</param>
/// <param name="Generation">The installation generation it applied.</param>
/// <param name="Metadata">Init's metadata.</param>
/// <param name="VerifyReady">Verify's answer.</param>
/// <param name="VerifyReason">Verify's reason when not ready.</param>
/// <param name="Healthy">Whether the plugin serves.</param>
/// <param name="Reason">Why it is in this phase.</param>
public sealed record HostInstallationReport(string Id, string Phase, string? Version, long Generation, JsonObject? Metadata, bool? VerifyReady, string? VerifyReason, bool Healthy, string? Reason);

/// <summary>A host's whole report: every installation of its scope it knows of (one it no longer lists is unloaded).</summary>
/// <param name="Installations">The installations.</param>
public sealed record HostReportRequest(IReadOnlyList<HostInstallationReport>? Installations);

/// <summary>What a host runs, as <c>GET /api/v1/hosts</c> shows it (<paramref name="Plugin"/>: the installation's plugin id).</summary>
public sealed record HostRunningDto(string Installation, string Phase, string? Version, long Generation, bool Healthy, string? Reason, DateTimeOffset ReportedAt, string? Plugin = null);

/// <summary>A managed host as the API shows it.</summary>
public sealed record HostDto(
    string Name, string Scope, string? PlugboardVersion, IReadOnlyList<string> Runtimes, IReadOnlyList<string> Contracts,
    DateTimeOffset RegisteredAt, DateTimeOffset LastContactAt, bool Stale, IReadOnlyList<HostRunningDto> Running);

/// <summary>One host's detail in an installation of a managed scope.</summary>
public sealed record InstallationHostDto(
    string Host, string Phase, string? Version, long Generation, JsonObject? Metadata, bool? VerifyReady, string? VerifyReason,
    bool Healthy, string? Reason, DateTimeOffset ReportedAt, bool Stale);

/// <summary>Registers hosts, records their contact and reports, and lists them.</summary>
public sealed class HostRegistry(IDbContextFactory<CenterDbContext> store, EventLog events, TimeProvider time, IOptions<CenterOptions> options)
{
    /// <summary>Raised after a host's report was saved (the summary of its scope is due).</summary>
    public event EventHandler? Reported;

    /// <summary>The scope the center realizes itself; every other scope is managed.</summary>
    public string CenterScope => options.Value.Controller.Scope;

    /// <summary>Whether a host last heard of at <paramref name="lastContact"/> is stale now.</summary>
    public bool IsStale(DateTimeOffset lastContact) => time.GetUtcNow() - lastContact > options.Value.Hosts.StaleAfter;

    /// <summary>Registers <paramref name="name"/> or renews it; null when the name belongs to another token.</summary>
    public async Task<ManagedHostRow?> RegisterAsync(string name, string scope, string tokenId, RegisterHostRequest body, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.ManagedHosts.FirstOrDefaultAsync(h => h.Name == name, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (row is null)
        {
            row = new ManagedHostRow { Name = name, Scope = scope, TokenId = tokenId, RegisteredAt = now };
            db.ManagedHosts.Add(row);
            events.Add(db, "host.registered", name, $"host '{name}' registered for scope '{scope}'");
        }
        else if (row.TokenId != tokenId && !IsStale(row.LastContactAt))
        {
            return null;
        }

        row.Scope = scope;
        row.TokenId = tokenId;
        row.Runtimes = string.Join('|', body.Runtimes ?? []);
        row.Contracts = string.Join('|', body.Contracts ?? []);
        row.PlugboardVersion = body.PlugboardVersion;
        row.LastContactAt = now;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        events.Saved();
        return row;
    }

    /// <summary>The registered host <paramref name="name"/> when the caller's token owns it.</summary>
    public async Task<ManagedHostRow?> FindOwnAsync(string name, string tokenId, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.ManagedHosts.AsNoTracking().FirstOrDefaultAsync(h => h.Name == name && h.TokenId == tokenId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that <paramref name="name"/> was heard from now.</summary>
    public async Task TouchAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        await db.ManagedHosts.Where(h => h.Name == name).ExecuteUpdateAsync(s => s.SetProperty(h => h.LastContactAt, now), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Replaces what <paramref name="host"/> reported about its scope's installations.</summary>
    public async Task ReportAsync(ManagedHostRow host, IReadOnlyList<HostInstallationReport> reports, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var inScope = (await db.Installations.AsNoTracking().Where(i => i.Scope == host.Scope).Select(i => i.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToHashSet(StringComparer.Ordinal);
        var existing = await db.ManagedHostReports.Where(r => r.HostName == host.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var given = reports.Where(r => inScope.Contains(r.Id)).GroupBy(r => r.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
        foreach (var old in existing.Where(r => !given.ContainsKey(r.InstallationId)))
        {
            db.ManagedHostReports.Remove(old);
        }

        foreach (var (id, report) in given)
        {
            var row = existing.FirstOrDefault(r => r.InstallationId == id);
            if (row is null)
            {
                row = new ManagedHostReportRow { HostName = host.Name, InstallationId = id, Phase = report.Phase };
                db.ManagedHostReports.Add(row);
            }

            row.Phase = report.Phase;
            row.Version = report.Version;
            row.Generation = report.Generation;
            row.MetadataJson = report.Metadata?.ToJsonString();
            row.VerifyReady = report.VerifyReady;
            row.VerifyReason = report.VerifyReason;
            row.Healthy = report.Healthy;
            row.Reason = report.Reason;
            row.ReportedAt = now;
        }

        await db.ManagedHosts.Where(h => h.Name == host.Name).ExecuteUpdateAsync(s => s.SetProperty(h => h.LastContactAt, now), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        Reported?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Every host with what it runs.</summary>
    public async Task<IReadOnlyList<HostDto>> ListAsync(string? scope, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var hosts = await db.ManagedHosts.AsNoTracking().Where(h => scope == null || h.Scope == scope).OrderBy(h => h.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
        var names = hosts.Select(h => h.Name).ToList();
        var reports = (await db.ManagedHostReports.AsNoTracking().Where(r => names.Contains(r.HostName)).ToListAsync(cancellationToken).ConfigureAwait(false))
            .ToLookup(r => r.HostName, StringComparer.Ordinal);
        var ids = reports.SelectMany(r => r.Select(x => x.InstallationId)).Distinct(StringComparer.Ordinal).ToList();
        var plugins = await db.Installations.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.PluginId, cancellationToken).ConfigureAwait(false);
        return hosts.Select(h => new HostDto(
            h.Name, h.Scope, h.PlugboardVersion, Split(h.Runtimes), Split(h.Contracts), h.RegisteredAt, h.LastContactAt, IsStale(h.LastContactAt),
            reports[h.Name].OrderBy(r => r.InstallationId, StringComparer.Ordinal)
                .Select(r => new HostRunningDto(r.InstallationId, r.Phase, r.Version, r.Generation, r.Healthy, r.Reason, r.ReportedAt, plugins.GetValueOrDefault(r.InstallationId))).ToList())).ToList();
    }

    /// <summary>Each host's detail about one installation (stale hosts included, marked).</summary>
    public async Task<IReadOnlyList<InstallationHostDto>> DetailAsync(string installationId, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await (from r in db.ManagedHostReports.AsNoTracking()
                          join h in db.ManagedHosts.AsNoTracking() on r.HostName equals h.Name
                          where r.InstallationId == installationId
                          orderby r.HostName
                          select new { Report = r, h.LastContactAt }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(x => new InstallationHostDto(
            x.Report.HostName, x.Report.Phase, x.Report.Version, x.Report.Generation,
            x.Report.MetadataJson is null ? null : JsonNode.Parse(x.Report.MetadataJson) as JsonObject,
            x.Report.VerifyReady, x.Report.VerifyReason, x.Report.Healthy, x.Report.Reason, x.Report.ReportedAt, IsStale(x.LastContactAt))).ToList();
    }

    private static string[] Split(string joined) => joined.Split('|', StringSplitOptions.RemoveEmptyEntries);
}

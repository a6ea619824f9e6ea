using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Plugboard.Server.Access;
using Plugboard.Server.Events;
using Plugboard.Server.Sources;
using Plugboard.Server.Store;
using Plugboard.Sources.Configuration;

namespace Plugboard.Server.Api;

/// <summary><c>/api/v1/sources</c> and <c>/api/v1/sync-runs</c>.</summary>
public static class SourcesApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The body of POST and PUT /api/v1/sources.</summary>
    public sealed record SourceRequest(
        string? Name, string? Type, string? Url, string? Path, string? Ref, bool? AllowInsecure, bool? RequireSignature,
        List<PluginSetOptions>? Sets, int? SyncIntervalSeconds);

    /// <summary>A source as the API shows it.</summary>
    public sealed record SourceDto(
        string Name, string Type, string? Url, string? Path, string? Ref, bool AllowInsecure, bool RequireSignature,
        IReadOnlyList<PluginSetOptions> Sets, int SyncIntervalSeconds, DateTimeOffset? LastSyncAt, string ETag)
    {
        /// <summary>Makes the DTO.</summary>
        public static SourceDto Of(SourceRow r) => new(
            r.Name, r.Type, r.Url, r.Path, r.Ref, r.AllowInsecure, r.RequireSignature,
            JsonSerializer.Deserialize<List<PluginSetOptions>>(r.SetsJson, Json) ?? [], r.SyncIntervalSeconds, r.LastSyncAt, ETagOf(r));
    }

    /// <summary>A sync run as the API shows it.</summary>
    public sealed record SyncRunDto(
        long Id, string Source, string Actor, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
        int Added, int Updated, int Unchanged, int Removed, string? Revision, string? Error, IReadOnlyList<SyncRunPackageDto>? Packages);

    /// <summary>One package of a sync run.</summary>
    public sealed record SyncRunPackageDto(string PluginId, string Version, string? Digest, string Outcome, string? Error);

    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapSourcesApi(this RouteGroupBuilder api)
    {
        var sources = api.MapGroup("/sources").WithTags("Sources");
        sources.MapGet("/", async (IDbContextFactory<CenterDbContext> store, CancellationToken ct) =>
        {
            await using var db = await store.CreateDbContextAsync(ct);
            var rows = await db.Sources.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
            return Results.Ok(rows.Select(SourceDto.Of).ToList());
        }).RequireAuthorization(Roles.Viewer);
        sources.MapGet("/{name}", async (string name, IDbContextFactory<CenterDbContext> store, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await store.CreateDbContextAsync(ct);
            var row = await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.Name == name, ct);
            if (row is null)
            {
                return Problems.NotFound($"There is no source '{name}'; GET /api/v1/sources lists them.");
            }

            http.Response.Headers.ETag = ETagOf(row);
            return Results.Ok(SourceDto.Of(row));
        }).RequireAuthorization(Roles.Viewer);
        sources.MapPost("/", (SourceRequest body, SourceService service, IDbContextFactory<CenterDbContext> store, EventLog events, HttpContext http, CancellationToken ct) =>
            SaveAsync(null, body, service, store, events, http, ct)).RequireAuthorization(Roles.Admin);
        sources.MapPut("/{name}", (string name, SourceRequest body, SourceService service, IDbContextFactory<CenterDbContext> store, EventLog events, HttpContext http, CancellationToken ct) =>
            SaveAsync(name, body, service, store, events, http, ct)).RequireAuthorization(Roles.Admin);
        sources.MapDelete("/{name}", async (string name, IDbContextFactory<CenterDbContext> store, EventLog events, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await store.CreateDbContextAsync(ct);
            var row = await db.Sources.FirstOrDefaultAsync(s => s.Name == name, ct);
            if (row is null)
            {
                return Problems.NotFound($"There is no source '{name}'.");
            }

            if (IfMatch(http) is { } expected && expected != row.Revision)
            {
                return Problems.Stale(SourceDto.Of(row), ETagOf(row));
            }

            db.Sources.Remove(row);
            events.Add(db, "source.removed", Actor.Of(http.User), $"source '{name}' removed; its catalog versions stay");
            await db.SaveChangesAsync(ct);
            events.Saved();
            return Results.NoContent();
        }).RequireAuthorization(Roles.Admin);
        sources.MapPost("/{name}/sync", async (string name, SourceService service, IDbContextFactory<CenterDbContext> store, HttpContext http, CancellationToken ct) =>
        {
            await using (var db = await store.CreateDbContextAsync(ct))
            {
                if (!await db.Sources.AnyAsync(s => s.Name == name, ct))
                {
                    return Problems.NotFound($"There is no source '{name}'.");
                }
            }

            var id = await service.SyncAsync(name, Actor.Of(http.User), ct);
            return Results.Ok(await RunAsync(store, id, ct));
        }).RequireAuthorization(Roles.Admin);

        var runs = api.MapGroup("/sync-runs").WithTags("Sources");
        runs.MapGet("/", async (string? source, int? limit, IDbContextFactory<CenterDbContext> store, CancellationToken ct) =>
        {
            await using var db = await store.CreateDbContextAsync(ct);
            var query = db.SyncRuns.AsNoTracking();
            if (!string.IsNullOrEmpty(source))
            {
                query = query.Where(r => r.Source == source);
            }

            var rows = await query.OrderByDescending(r => r.Id).Take(Math.Clamp(limit ?? 50, 1, 500)).ToListAsync(ct);
            return Results.Ok(rows.Select(r => ToDto(r, includePackages: false)).ToList());
        }).RequireAuthorization(Roles.Viewer);
        runs.MapGet("/{id:long}", async (long id, IDbContextFactory<CenterDbContext> store, CancellationToken ct) =>
            await RunAsync(store, id, ct) is { } run ? Results.Ok(run) : Problems.NotFound($"There is no sync run {id}.")).RequireAuthorization(Roles.Viewer);
        return api;
    }

    private static async Task<SyncRunDto?> RunAsync(IDbContextFactory<CenterDbContext> store, long id, CancellationToken ct)
    {
        await using var db = await store.CreateDbContextAsync(ct);
        var row = await db.SyncRuns.AsNoTracking().Include(r => r.Packages).FirstOrDefaultAsync(r => r.Id == id, ct);
        return row is null ? null : ToDto(row, includePackages: true);
    }

    private static SyncRunDto ToDto(SyncRunRow r, bool includePackages) => new(
        r.Id, r.Source, r.Actor, r.Status, r.StartedAt, r.FinishedAt, r.Added, r.Updated, r.Unchanged, r.Removed, r.Revision, r.Error,
        includePackages ? r.Packages.OrderBy(p => p.PluginId).ThenBy(p => p.Version).Select(p => new SyncRunPackageDto(p.PluginId, p.Version, p.Digest, p.Outcome, p.Error)).ToList() : null);

    private static async Task<IResult> SaveAsync(string? name, SourceRequest body, SourceService service, IDbContextFactory<CenterDbContext> store, EventLog events, HttpContext http, CancellationToken ct)
    {
        var sourceName = name ?? body.Name;
        if (string.IsNullOrWhiteSpace(sourceName))
        {
            return Problems.Field("$.name", "required: a name for the source, e.g. 'company'");
        }

        await using var db = await store.CreateDbContextAsync(ct);
        var row = await db.Sources.FirstOrDefaultAsync(s => s.Name == sourceName, ct);
        if (name is null && row is not null)
        {
            return Problems.Conflict($"A source named '{sourceName}' exists; PUT /api/v1/sources/{sourceName} changes it.", SourceDto.Of(row));
        }

        if (name is not null && row is null)
        {
            return Problems.NotFound($"There is no source '{name}'; POST /api/v1/sources adds one.");
        }

        if (row is not null && IfMatch(http) is { } expected)
        {
            if (expected != row.Revision)
            {
                return Problems.Stale(SourceDto.Of(row), ETagOf(row));
            }

            db.Entry(row).Property(r => r.Revision).OriginalValue = expected;
        }

        var candidate = row ?? new SourceRow { Name = sourceName, Type = body.Type ?? string.Empty };
        candidate.Type = body.Type ?? candidate.Type;
        candidate.Url = body.Url;
        candidate.Path = body.Path;
        candidate.Ref = body.Ref;
        candidate.AllowInsecure = body.AllowInsecure ?? false;
        candidate.RequireSignature = body.RequireSignature ?? false;
        candidate.SetsJson = JsonSerializer.Serialize(body.Sets ?? [], Json);
        candidate.SyncIntervalSeconds = body.SyncIntervalSeconds ?? 0;
        var problems = await service.CheckAsync(candidate, ct);
        if (problems.Count > 0)
        {
            return Problems.Validation(problems.Select(p => new FieldError(PathOf(p), p)));
        }

        if (row is null)
        {
            candidate.CreatedAt = TimeProvider.System.GetUtcNow();
            db.Sources.Add(candidate);
        }

        events.Add(db, row is null ? "source.added" : "source.changed", Actor.Of(http.User), $"source '{sourceName}' ({candidate.Type} {candidate.Url ?? candidate.Path})");
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await store.CreateDbContextAsync(ct);
            var current = await fresh.Sources.AsNoTracking().FirstAsync(s => s.Name == sourceName, ct);
            return Problems.Stale(SourceDto.Of(current), ETagOf(current));
        }

        events.Saved();
        http.Response.Headers.ETag = ETagOf(candidate);
        return row is null ? Results.Created($"/api/v1/sources/{sourceName}", SourceDto.Of(candidate)) : Results.Ok(SourceDto.Of(candidate));
    }

    private static string PathOf(string problem)
    {
        foreach (var field in new[] { "Url", "Path", "Type", "Ref", "Sets" })
        {
            if (problem.Contains($" {field} ", StringComparison.Ordinal) || problem.Contains($"{field}:", StringComparison.Ordinal))
            {
                return "$." + field.ToLowerInvariant();
            }
        }

        return "$";
    }

    /// <summary>The ETag of a revisioned row.</summary>
    public static string ETagOf(IRevisioned row) => $"\"{row.Revision:N}\"";

    /// <summary>The revision an If-Match header names; null when absent.</summary>
    public static Guid? IfMatch(HttpContext http)
    {
        var header = http.Request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header == "*")
        {
            return null;
        }

        return Guid.TryParseExact(header.Trim().Trim('"'), "N", out var g) ? g : Guid.Empty;
    }
}

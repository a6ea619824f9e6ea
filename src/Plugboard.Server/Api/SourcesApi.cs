using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Plugboard.Server.Access;
using Plugboard.Server.Events;
using Plugboard.Server.Sources;
using Plugboard.Server.Store;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.S3;

namespace Plugboard.Server.Api;

/// <summary><c>/api/v1/sources</c> and <c>/api/v1/sync-runs</c>.</summary>
public static class SourcesApi
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The body of POST and PUT /api/v1/sources. <c>settings</c> are those of the type: for s3 <c>bucket</c>, <c>prefix</c>,
    /// <c>region</c>, <c>endpoint</c>, <c>forcePathStyle</c> (and <c>credentials: sdk</c> for the AWS SDK's chain);
    /// <c>credentials</c> are write-only: an empty or absent value keeps what is stored.
    /// </summary>
    public sealed record SourceRequest(
        string? Name, string? Type, string? Url, string? Path, string? Ref, bool? AllowInsecure, bool? RequireSignature,
        List<PluginSetOptions>? Sets, int? SyncIntervalSeconds, Dictionary<string, string?>? Settings = null, SourceCredentialsRequest? Credentials = null);

    /// <summary>
    /// The credentials of a source, write-only: stored encrypted, never returned. <c>token</c> for git and http (sent as a
    /// bearer token), <c>accessKeyId</c> and <c>secretAccessKey</c> for s3. <c>remove: true</c> drops the stored ones first.
    /// </summary>
    public sealed record SourceCredentialsRequest(string? Token = null, string? AccessKeyId = null, string? SecretAccessKey = null, bool? Remove = null);

    /// <summary>A source as the API shows it; <c>credentials</c> says which are stored, each as <c>"set"</c>, never their values.</summary>
    public sealed record SourceDto(
        string Name, string Type, string? Url, string? Path, string? Ref, bool AllowInsecure, bool RequireSignature,
        IReadOnlyList<PluginSetOptions> Sets, int SyncIntervalSeconds, DateTimeOffset? LastSyncAt, string ETag,
        IReadOnlyDictionary<string, string>? Settings = null, IReadOnlyDictionary<string, string>? Credentials = null)
    {
        /// <summary>Makes the DTO.</summary>
        public static SourceDto Of(SourceRow r) => new(
            r.Name, r.Type, r.Url, r.Path, r.Ref, r.AllowInsecure, r.RequireSignature,
            JsonSerializer.Deserialize<List<PluginSetOptions>>(r.SetsJson, Json) ?? [], r.SyncIntervalSeconds, r.LastSyncAt, ETagOf(r),
            JsonSerializer.Deserialize<Dictionary<string, string>>(r.SettingsJson, Json) ?? [],
            SourceCredentials.NamesOf(r).ToDictionary(n => n, _ => "set"));
    }

    /// <summary>A sync run as the API shows it; while it is Running on this center, <c>progress</c> says its stage and each package's outcome so far.</summary>
    public sealed record SyncRunDto(
        long Id, string Source, string Actor, string Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt,
        int Added, int Updated, int Unchanged, int Removed, string? Revision, string? Error, IReadOnlyList<SyncRunPackageDto>? Packages,
        SyncRunProgress.Snapshot? Progress = null);

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
        sources.MapPost("/", (SourceRequest body, SourceService service, SourceCredentials credentials, IDbContextFactory<CenterDbContext> store, EventLog events, HttpContext http, CancellationToken ct) =>
            SaveAsync(null, body, service, credentials, store, events, http, ct)).RequireAuthorization(Roles.Admin);
        sources.MapPut("/{name}", (string name, SourceRequest body, SourceService service, SourceCredentials credentials, IDbContextFactory<CenterDbContext> store, EventLog events, HttpContext http, CancellationToken ct) =>
            SaveAsync(name, body, service, credentials, store, events, http, ct)).RequireAuthorization(Roles.Admin);
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
        sources.MapPost("/{name}/sync", async (string name, bool? wait, SourceService service, SyncRunProgress progress, IDbContextFactory<CenterDbContext> store, HttpContext http, CancellationToken ct) =>
        {
            SourceService.StartedSync started;
            try
            {
                started = await service.StartAsync(name, Actor.Of(http.User), ct);
            }
            catch (KeyNotFoundException)
            {
                return Problems.NotFound($"There is no source '{name}'.");
            }

            if (wait == false)
            {
                // The caller follows the run at its Location (GET /api/v1/sync-runs/{id} shows its progress while it runs).
                return Results.Accepted($"/api/v1/sync-runs/{started.RunId}", await RunAsync(store, progress, started.RunId, ct));
            }

            // The run that synced the source: this one, or another replica's that synced it meanwhile.
            var runId = await started.Completion.WaitAsync(ct);
            return Results.Ok(await RunAsync(store, progress, runId, ct));
        }).RequireAuthorization(Roles.Admin);

        var runs = api.MapGroup("/sync-runs").WithTags("Sources");
        runs.MapGet("/", async (string? source, int? limit, IDbContextFactory<CenterDbContext> store, SyncRunProgress progress, CancellationToken ct) =>
        {
            await using var db = await store.CreateDbContextAsync(ct);
            var query = db.SyncRuns.AsNoTracking();
            if (!string.IsNullOrEmpty(source))
            {
                query = query.Where(r => r.Source == source);
            }

            var rows = await query.OrderByDescending(r => r.Id).Take(Math.Clamp(limit ?? 50, 1, 500)).ToListAsync(ct);
            return Results.Ok(rows.Select(r => ToDto(r, includePackages: false, progress)).ToList());
        }).RequireAuthorization(Roles.Viewer);
        runs.MapGet("/{id:long}", async (long id, IDbContextFactory<CenterDbContext> store, SyncRunProgress progress, CancellationToken ct) =>
            await RunAsync(store, progress, id, ct) is { } run ? Results.Ok(run) : Problems.NotFound($"There is no sync run {id}.")).RequireAuthorization(Roles.Viewer);
        return api;
    }

    private static async Task<SyncRunDto?> RunAsync(IDbContextFactory<CenterDbContext> store, SyncRunProgress progress, long id, CancellationToken ct)
    {
        await using var db = await store.CreateDbContextAsync(ct);
        var row = await db.SyncRuns.AsNoTracking().Include(r => r.Packages).FirstOrDefaultAsync(r => r.Id == id, ct);
        return row is null ? null : ToDto(row, includePackages: true, progress);
    }

    private static SyncRunDto ToDto(SyncRunRow r, bool includePackages, SyncRunProgress progress) => new(
        r.Id, r.Source, r.Actor, r.Status, r.StartedAt, r.FinishedAt, r.Added, r.Updated, r.Unchanged, r.Removed, r.Revision, r.Error,
        includePackages ? r.Packages.OrderBy(p => p.PluginId).ThenBy(p => p.Version).Select(p => new SyncRunPackageDto(p.PluginId, p.Version, p.Digest, p.Outcome, p.Error)).ToList() : null,
        r.Status == "Running" ? progress.Of(r.Id) : null);

    private static async Task<IResult> SaveAsync(string? name, SourceRequest body, SourceService service, SourceCredentials credentials, IDbContextFactory<CenterDbContext> store, EventLog events, HttpContext http, CancellationToken ct)
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
        var settings = (body.Settings ?? []).Where(s => !string.IsNullOrWhiteSpace(s.Value)).ToDictionary(s => s.Key, s => s.Value!.Trim(), StringComparer.Ordinal);
        var given = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            [SourceCredentialOptions.TokenSecret] = body.Credentials?.Token,
            [S3SourceSettings.AccessKeyIdSecret] = body.Credentials?.AccessKeyId,
            [S3SourceSettings.SecretAccessKeySecret] = body.Credentials?.SecretAccessKey,
        };
        var refused = CheckTypeFields(candidate.Type, settings, given);
        if (refused.Count > 0)
        {
            return Problems.Validation(refused);
        }

        candidate.SettingsJson = JsonSerializer.Serialize(settings, Json);
        credentials.Apply(candidate, given, body.Credentials?.Remove == true);
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

        foreach (var setting in S3Settings)
        {
            if (problem.Contains($"Settings:{setting}", StringComparison.OrdinalIgnoreCase))
            {
                return "$.settings." + setting;
            }
        }

        return problem.Contains("secret access key", StringComparison.Ordinal) || problem.Contains("access key id", StringComparison.Ordinal) ? "$.credentials" : "$";
    }

    // What the center lets an s3 source set; the *Env/*File settings would read the center's own environment and files.
    private static readonly string[] S3Settings = ["bucket", "prefix", "region", "endpoint", "forcePathStyle", "credentials"];

    /// <summary>Settings and credentials the type does not take, and credentials that could not be sent safely.</summary>
    private static List<FieldError> CheckTypeFields(string type, Dictionary<string, string> settings, Dictionary<string, string?> given)
    {
        var errors = new List<FieldError>();
        var s3 = string.Equals(type, "s3", StringComparison.OrdinalIgnoreCase);
        foreach (var key in settings.Keys)
        {
            if (!s3)
            {
                errors.Add(new FieldError($"$.settings.{key}", $"'{key}' is not a setting of a {type} source; only s3 sources take settings ({string.Join(", ", S3Settings)})."));
            }
            else if (!S3Settings.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add(new FieldError($"$.settings.{key}", $"'{key}' is not a setting the center takes for s3; use {string.Join(", ", S3Settings)}, and give the keys as credentials (accessKeyId, secretAccessKey)."));
            }
        }

        var allowed = SourceCredentials.NamesFor(type);
        foreach (var (name, value) in given)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (!allowed.Contains(name))
            {
                errors.Add(new FieldError($"$.credentials.{name}", allowed.Count == 0
                    ? $"a {type} source takes no credentials."
                    : $"a {type} source takes {string.Join(" and ", allowed)}, not {name}."));
            }
            else if (value.Trim().Length == 0 || value.Any(char.IsControl))
            {
                errors.Add(new FieldError($"$.credentials.{name}", $"the {name} must be one line of text without control characters (a line break inside it would add header lines of its own)."));
            }
        }

        return errors;
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

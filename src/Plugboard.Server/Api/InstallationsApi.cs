using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NuGet.Versioning;
using Plugboard.Server.Access;
using Plugboard.Server.Catalog;
using Plugboard.Server.Events;
using Plugboard.Server.Installations;
using Plugboard.Server.Store;

namespace Plugboard.Server.Api;

/// <summary><c>/api/v1/installations</c>: install, read (with ETag), change (If-Match), uninstall, the form.</summary>
public static class InstallationsApi
{
    /// <summary>The body of POST: <c>plugin</c>, <c>version</c> (manual) or <c>upgradeMode</c>, <c>config</c>, <c>scope</c>, <c>resources</c> (for a workload: <c>{"limits":{"cpu":"500m","memory":"256Mi"}}</c>).</summary>
    public sealed record CreateInstallationRequest(string? Plugin, string? Version, string? UpgradeMode, JsonObject? Config, string? Scope, JsonObject? Resources = null);

    /// <summary>The body of PATCH: any of <c>version</c>, <c>upgradeMode</c>, <c>config</c> (secrets not sent are kept), <c>resources</c> (an empty object clears them).</summary>
    public sealed record PatchInstallationRequest(string? Version, string? UpgradeMode, JsonObject? Config, JsonObject? Resources = null);

    /// <summary>An installation as the API shows it; secrets only as set / not set.</summary>
    public sealed record InstallationDto(
        string Id, string Plugin, string Scope, string UpgradeMode, string? PinnedVersion, string? Version, string Phase, string? Reason,
        JsonObject Config, IReadOnlyDictionary<string, bool> Secrets, JsonObject? Metadata, VerifyDto? Verify,
        long Generation, long ObservedGeneration, int Attempts, DateTimeOffset? NextAttemptAt, string CreatedBy,
        DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string ETag, IReadOnlyList<Hosts.InstallationHostDto>? Hosts = null, JsonObject? Resources = null);

    /// <summary>Verify's last answer.</summary>
    public sealed record VerifyDto(bool Ready, string? Reason);

    /// <summary>What a UI needs to render an installation's form.</summary>
    public sealed record FormDto(string Installation, string Plugin, string Version, string Language, JsonObject? Schema, JsonObject Values, IReadOnlyDictionary<string, bool> Secrets);

    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapInstallationsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/installations").WithTags("Installations");
        group.MapGet("/", async (string? plugin, string? phase, Context c, CancellationToken ct) =>
        {
            await using var db = await c.Store.CreateDbContextAsync(ct);
            var query = db.Installations.AsNoTracking();
            if (!string.IsNullOrEmpty(plugin))
            {
                query = query.Where(i => i.PluginId == plugin);
            }

            if (!string.IsNullOrEmpty(phase))
            {
                query = query.Where(i => i.Phase == phase);
            }

            var rows = await query.OrderBy(i => i.CreatedAt).ToListAsync(ct);
            var list = new List<InstallationDto>();
            foreach (var row in rows)
            {
                list.Add(await c.ToDtoAsync(row, ct));
            }

            return Results.Ok(list);
        }).RequireAuthorization(Roles.Viewer);
        group.MapGet("/{id}", async (string id, Context c, HttpContext http, CancellationToken ct) =>
        {
            await using var db = await c.Store.CreateDbContextAsync(ct);
            var row = await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
            if (row is null)
            {
                return Problems.NotFound($"There is no installation '{id}'; GET /api/v1/installations lists them.");
            }

            http.Response.Headers.ETag = SourcesApi.ETagOf(row);
            return Results.Ok(await c.ToDtoAsync(row, ct));
        }).RequireAuthorization(Roles.Viewer);
        group.MapGet("/{id}/form", FormAsync).RequireAuthorization(Roles.Viewer);
        group.MapPost("/", CreateAsync).RequireAuthorization(Roles.Admin);
        group.MapPatch("/{id}", PatchAsync).RequireAuthorization(Roles.Admin);
        group.MapDelete("/{id}", DeleteAsync).RequireAuthorization(Roles.Admin);
        return api;
    }

    /// <summary>The services every handler here needs.</summary>
    public sealed class Context(IDbContextFactory<CenterDbContext> store, CatalogService catalog, InstallationConfig configs, EventLog events, InstallationController controller, TimeProvider time, Hosts.HostRegistry hosts)
    {
        /// <summary>The store.</summary>
        public IDbContextFactory<CenterDbContext> Store => store;

        /// <summary>The catalog.</summary>
        public CatalogService Catalog => catalog;

        /// <summary>Configuration and secrets.</summary>
        public InstallationConfig Configs => configs;

        /// <summary>Events.</summary>
        public EventLog Events => events;

        /// <summary>The controller.</summary>
        public InstallationController Controller => controller;

        /// <summary>The clock.</summary>
        public TimeProvider Time => time;

        /// <summary>The DTO, with the configuration masked by the schema of the version running (or asked for).</summary>
        public async Task<InstallationDto> ToDtoAsync(InstallationRow r, CancellationToken ct)
        {
            var versions = await catalog.VersionsAsync(r.PluginId, ct);
            var schema = versions.FirstOrDefault(v => v.Row.Version == (r.Version ?? r.PinnedVersion))?.Manifest.ConfigSchema
                ?? (versions.Count > 0 ? versions[^1].Manifest.ConfigSchema : null);
            var secrets = configs.SecretStates(schema, r.SecretsCipher);
            return new InstallationDto(
                r.Id, r.PluginId, r.Scope, r.UpgradeMode, r.PinnedVersion, r.Version, r.Phase, r.Reason,
                InstallationConfig.Masked(r.ConfigJson, secrets), secrets,
                r.MetadataJson is null ? null : JsonNode.Parse(r.MetadataJson) as JsonObject,
                r.VerifyReady is { } ready ? new VerifyDto(ready, r.VerifyReason) : null,
                r.Generation, r.ObservedGeneration, r.Attempts, r.NextAttemptAt, r.CreatedBy, r.CreatedAt, r.UpdatedAt, SourcesApi.ETagOf(r),
                r.Scope == hosts.CenterScope ? null : await hosts.DetailAsync(r.Id, ct),
                Kubernetes.InstallationResources.ToJson(r.ResourcesJson));
        }
    }

    private static async Task<IResult> CreateAsync(CreateInstallationRequest body, Context c, HttpContext http, CancellationToken ct)
    {
        var key = http.Request.Headers["Idempotency-Key"].ToString();
        await using var db = await c.Store.CreateDbContextAsync(ct);
        if (!string.IsNullOrEmpty(key) && await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.IdempotencyKey == key, ct) is { } replay)
        {
            return Results.Ok(await c.ToDtoAsync(replay, ct));
        }

        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(body.Plugin))
        {
            return Problems.Field("$.plugin", "required: the id of a plugin in the catalog (GET /api/v1/plugins)");
        }

        var mode = body.UpgradeMode ?? (body.Version is null ? "auto" : "manual");
        if (mode is not ("manual" or "auto"))
        {
            errors.Add(new("$.upgradeMode", "must be 'manual' (stay on 'version') or 'auto' (follow the highest version the upgrade rules allow)"));
        }

        if (mode == "manual" && body.Version is null)
        {
            errors.Add(new("$.version", "required with upgradeMode 'manual': the version to install"));
        }

        if (mode == "auto" && body.Version is not null)
        {
            errors.Add(new("$.version", "not allowed with upgradeMode 'auto'; omit it, or use 'manual'"));
        }

        var resources = Kubernetes.InstallationResources.Normalize(body.Resources, errors);
        var scope = string.IsNullOrWhiteSpace(body.Scope) ? "center" : body.Scope.Trim();
        var versions = await c.Catalog.VersionsAsync(body.Plugin, ct);
        if (versions.Count == 0)
        {
            errors.Add(new("$.plugin", $"there is no plugin '{body.Plugin}' in the catalog; sync a source holding it, upload it or register it"));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var normalized = body.Version is null ? null : NuGetVersion.TryParse(body.Version, out var parsed) ? parsed.ToNormalizedString() : body.Version;
        var target = CatalogService.Resolve(versions, mode, normalized, null);
        if (target is null)
        {
            return Problems.Field("$.version", mode == "manual"
                ? $"{body.Plugin} has no version {body.Version}; it has {string.Join(", ", versions.Select(v => v.Row.Version))}"
                : $"{body.Plugin} has no release version to install automatically; pin one with upgradeMode 'manual'");
        }

        var config = body.Config ?? [];
        var schema = target.Manifest.ConfigSchema;
        if (schema is not null)
        {
            var result = schema.Validate(config);
            if (result.Errors.Count > 0)
            {
                return Problems.Validation(result.Errors.Select(e => new FieldError(ConfigPath(e.Path), e.Message)));
            }
        }

        var (clear, secrets) = c.Configs.Split(schema, config, null);
        var existing = await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.PluginId == body.Plugin && i.Scope == scope, ct);
        if (existing is not null)
        {
            var same = existing.UpgradeMode == mode && existing.PinnedVersion == normalized && existing.ResourcesJson == resources && JsonNode.DeepEquals(JsonNode.Parse(existing.ConfigJson), clear)
                && JsonNode.DeepEquals(c.Configs.Join("{}", existing.SecretsCipher), c.Configs.Join("{}", secrets));
            return same
                ? Results.Ok(await c.ToDtoAsync(existing, ct))
                : Problems.Conflict($"{body.Plugin} is already installed in scope '{scope}' as {existing.Id}; PATCH /api/v1/installations/{existing.Id} changes it.", await c.ToDtoAsync(existing, ct));
        }

        var now = c.Time.GetUtcNow();
        var actor = Actor.Of(http.User);
        var row = new InstallationRow
        {
            Id = "inst_" + Guid.NewGuid().ToString("N")[..12],
            PluginId = body.Plugin,
            Scope = scope,
            UpgradeMode = mode,
            PinnedVersion = normalized,
            ConfigJson = InstallationConfig.ToJson(clear),
            SecretsCipher = secrets,
            Phase = Phases.Pending,
            Reason = "accepted; the controller picks it up",
            IdempotencyKey = string.IsNullOrEmpty(key) ? null : key,
            ResourcesJson = resources,
            CreatedBy = actor,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Installations.Add(row);
        c.Events.Add(db, "installation.created", actor, $"install {row.PluginId} ({(mode == "manual" ? normalized : "auto")}) in scope '{scope}'", row.Id, row.PluginId, target.Row.Version, Phases.Pending);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The same request raced with itself (natural key or Idempotency-Key): answer with the one that won.
            await using var fresh = await c.Store.CreateDbContextAsync(ct);
            var winner = await fresh.Installations.AsNoTracking().FirstOrDefaultAsync(i => (key != "" && i.IdempotencyKey == key) || (i.PluginId == row.PluginId && i.Scope == scope), ct);
            return winner is null ? throw new InvalidOperationException("The installation could not be saved.") : Results.Ok(await c.ToDtoAsync(winner, ct));
        }

        c.Events.Saved();
        c.Controller.Wake();
        http.Response.Headers.ETag = SourcesApi.ETagOf(row);
        return Results.Created($"/api/v1/installations/{row.Id}", await c.ToDtoAsync(row, ct));
    }

    // Without If-Match the caller asked for no precondition: a write that lost a race with the controller is
    // reapplied to the fresh row. With If-Match the conflict is the caller's to resolve (412).
    private static async Task<IResult> PatchAsync(string id, PatchInstallationRequest body, Context c, HttpContext http, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await PatchOnceAsync(id, body, c, http, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5 && SourcesApi.IfMatch(http) is null)
            {
            }
        }
    }

    private static async Task<IResult> DeleteAsync(string id, Context c, HttpContext http, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await DeleteOnceAsync(id, c, http, ct);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5 && SourcesApi.IfMatch(http) is null)
            {
            }
        }
    }

    private static async Task<IResult> PatchOnceAsync(string id, PatchInstallationRequest body, Context c, HttpContext http, CancellationToken ct)
    {
        await using var db = await c.Store.CreateDbContextAsync(ct);
        var row = await db.Installations.FirstOrDefaultAsync(i => i.Id == id && !i.Deleting, ct);
        if (row is null)
        {
            return Problems.NotFound($"There is no installation '{id}'.");
        }

        if (SourcesApi.IfMatch(http) is { } expected)
        {
            if (expected != row.Revision)
            {
                return Problems.Stale(await c.ToDtoAsync(row, ct), SourcesApi.ETagOf(row));
            }

            db.Entry(row).Property(r => r.Revision).OriginalValue = expected;
        }

        var mode = body.UpgradeMode ?? (body.Version is not null ? "manual" : row.UpgradeMode);
        if (mode is not ("manual" or "auto"))
        {
            return Problems.Field("$.upgradeMode", "must be 'manual' or 'auto'");
        }

        var pinned = mode == "auto" ? null : body.Version is null ? row.PinnedVersion ?? row.Version : NuGetVersion.TryParse(body.Version, out var v) ? v.ToNormalizedString() : body.Version;
        var versions = await c.Catalog.VersionsAsync(row.PluginId, ct);
        var target = CatalogService.Resolve(versions, mode, pinned, row.Version);
        if (target is null)
        {
            return mode == "manual"
                ? Problems.Field("$.version", $"{row.PluginId} has no version {pinned}; it has {string.Join(", ", versions.Select(x => x.Row.Version))}")
                : Problems.Conflict($"no version of {row.PluginId} may be installed over {row.Version} by its upgrade rules");
        }

        if (row.Version is { } current && target.Row.Version != current && !target.AcceptsUpgradeFrom(NuGetVersion.Parse(current)))
        {
            var rule = target.Manifest.SupportedUpgradeFrom is { } range ? $"it supports upgrades from {range} only" : "it is older (downgrades are refused)";
            return Problems.Conflict($"{row.PluginId} {target.Row.Version} cannot be installed over {current}: {rule}. Uninstall and install it again to start over.", await c.ToDtoAsync(row, ct));
        }

        var schema = target.Manifest.ConfigSchema;
        var incoming = body.Config ?? (c.Configs.Join(row.ConfigJson, null));
        if (body.Config is not null)
        {
            // A secret sent back as the mask ("(set)") is not a new value: keep the stored one.
            foreach (var (path, _) in c.Configs.SecretStates(schema, row.SecretsCipher))
            {
                var name = path[2..];
                if (!name.Contains('.', StringComparison.Ordinal) && incoming[name]?.GetValueKind() == System.Text.Json.JsonValueKind.String && (string?)incoming[name] == InstallationConfig.SetMarker)
                {
                    incoming.Remove(name);
                }
            }
        }

        var (clear, secrets) = c.Configs.Split(schema, incoming, row.SecretsCipher);
        if (schema is not null)
        {
            var full = c.Configs.Join(InstallationConfig.ToJson(clear), secrets);
            var result = schema.Validate(full);
            if (result.Errors.Count > 0)
            {
                return Problems.Validation(result.Errors.Select(e => new FieldError(ConfigPath(e.Path), e.Message)));
            }
        }

        var resourceErrors = new List<FieldError>();
        var resources = body.Resources is null ? row.ResourcesJson : Kubernetes.InstallationResources.Normalize(body.Resources, resourceErrors);
        if (resourceErrors.Count > 0)
        {
            return Problems.Validation(resourceErrors);
        }

        var changes = new List<string>();
        if (resources != row.ResourcesJson)
        {
            changes.Add("resources");
        }

        if (mode != row.UpgradeMode || pinned != row.PinnedVersion)
        {
            changes.Add(mode == "manual" ? $"version {pinned}" : "upgrade mode auto");
        }

        var clearJson = InstallationConfig.ToJson(clear);
        if (clearJson != row.ConfigJson || !JsonNode.DeepEquals(c.Configs.Join("{}", secrets), c.Configs.Join("{}", row.SecretsCipher)))
        {
            changes.Add("configuration");
        }

        if (changes.Count == 0)
        {
            return Results.Ok(await c.ToDtoAsync(row, ct));
        }

        row.UpgradeMode = mode;
        row.PinnedVersion = pinned;
        row.ConfigJson = clearJson;
        row.SecretsCipher = secrets;
        row.ResourcesJson = resources;
        row.Generation++;
        row.UpdatedAt = c.Time.GetUtcNow();
        c.Events.Add(db, "installation.changed", Actor.Of(http.User), $"changed {string.Join(" and ", changes)} (generation {row.Generation})", row.Id, row.PluginId, target.Row.Version, row.Phase);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException) when (SourcesApi.IfMatch(http) is not null)
        {
            await using var fresh = await c.Store.CreateDbContextAsync(ct);
            var latest = await fresh.Installations.AsNoTracking().FirstAsync(i => i.Id == id, ct);
            return Problems.Stale(await c.ToDtoAsync(latest, ct), SourcesApi.ETagOf(latest));
        }

        c.Events.Saved();
        c.Controller.Wake();
        http.Response.Headers.ETag = SourcesApi.ETagOf(row);
        return Results.Ok(await c.ToDtoAsync(row, ct));
    }

    private static async Task<IResult> DeleteOnceAsync(string id, Context c, HttpContext http, CancellationToken ct)
    {
        await using var db = await c.Store.CreateDbContextAsync(ct);
        var row = await db.Installations.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (row is null)
        {
            return Problems.NotFound($"There is no installation '{id}'.");
        }

        if (SourcesApi.IfMatch(http) is { } expected)
        {
            if (expected != row.Revision)
            {
                return Problems.Stale(await c.ToDtoAsync(row, ct), SourcesApi.ETagOf(row));
            }

            db.Entry(row).Property(r => r.Revision).OriginalValue = expected;
        }

        // Refused while an Active installation in the same scope depends on this plugin.
        var others = await db.Installations.AsNoTracking().Where(i => i.Scope == row.Scope && i.Id != row.Id && i.Phase == Phases.Active && !i.Deleting).ToListAsync(ct);
        foreach (var other in others)
        {
            var versions = await c.Catalog.VersionsAsync(other.PluginId, ct);
            var running = versions.FirstOrDefault(v => v.Row.Version == other.Version);
            if (running?.Manifest.Dependencies.Any(d => d.Id == row.PluginId) == true)
            {
                return Problems.Conflict($"{row.PluginId} cannot be uninstalled: installation {other.Id} ({other.PluginId} {other.Version}) depends on it and is Active; uninstall that first.", await c.ToDtoAsync(row, ct));
            }
        }

        if (!row.Deleting)
        {
            row.Deleting = true;
            row.Phase = Phases.Uninstalling;
            row.Reason = "uninstall asked";
            row.UpdatedAt = c.Time.GetUtcNow();
            c.Events.Add(db, "installation.uninstalling", Actor.Of(http.User), "uninstall asked", row.Id, row.PluginId, row.Version, Phases.Uninstalling);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateConcurrencyException) when (SourcesApi.IfMatch(http) is not null)
            {
                await using var fresh = await c.Store.CreateDbContextAsync(ct);
                var current = await fresh.Installations.AsNoTracking().FirstAsync(i => i.Id == id, ct);
                return Problems.Stale(await c.ToDtoAsync(current, ct), SourcesApi.ETagOf(current));
            }

            c.Events.Saved();
            c.Controller.Wake();
        }

        return Results.Accepted($"/api/v1/installations/{row.Id}", await c.ToDtoAsync(row, ct));
    }

    private static async Task<IResult> FormAsync(string id, string? lang, Context c, CancellationToken ct)
    {
        await using var db = await c.Store.CreateDbContextAsync(ct);
        var row = await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (row is null)
        {
            return Problems.NotFound($"There is no installation '{id}'.");
        }

        var versions = await c.Catalog.VersionsAsync(row.PluginId, ct);
        var version = versions.FirstOrDefault(v => v.Row.Version == (row.Version ?? row.PinnedVersion)) ?? versions[^1];
        var language = string.IsNullOrWhiteSpace(lang) ? "en" : lang;
        var schema = version.Manifest.ConfigSchema;
        var json = schema?.ToJson();
        if (json is not null)
        {
            ResolveLanguage(json, language);
        }

        var secrets = c.Configs.SecretStates(schema, row.SecretsCipher);
        return Results.Ok(new FormDto(row.Id, row.PluginId, version.Row.Version, language, json, InstallationConfig.Masked(row.ConfigJson, secrets), secrets));
    }

    // x-title / x-description given per language become one string in the language asked for (then en, then any).
    private static void ResolveLanguage(JsonNode? node, string language)
    {
        if (node is JsonObject obj)
        {
            foreach (var key in obj.Select(p => p.Key).ToList())
            {
                if (key is "x-title" or "x-description" or "title" or "description" && obj[key] is JsonObject texts)
                {
                    var pick = texts[language] ?? texts[language.Split('-')[0]] ?? texts["en"] ?? texts.FirstOrDefault().Value;
                    obj[key] = pick?.DeepClone();
                }
                else
                {
                    ResolveLanguage(obj[key], language);
                }
            }
        }
        else if (node is JsonArray array)
        {
            foreach (var item in array)
            {
                ResolveLanguage(item, language);
            }
        }
    }

    private static string ConfigPath(string path) => path == "$" ? "$.config" : "$.config" + path[1..];

}

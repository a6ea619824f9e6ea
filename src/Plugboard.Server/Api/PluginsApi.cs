using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using NuGet.Versioning;
using Plugboard.Manifests;
using Plugboard.Server.Access;
using Plugboard.Server.Catalog;
using Plugboard.Server.Events;
using Plugboard.Server.Store;

namespace Plugboard.Server.Api;

/// <summary><c>/api/v1/plugins</c> (catalog, register) and <c>/api/v1/packages</c> (upload).</summary>
public static class PluginsApi
{
    /// <summary>The body of POST /api/v1/plugins: a plugin that runs elsewhere.</summary>
    public sealed record RegisterPluginRequest(
        string? Id, string? Version, string? ServiceType, string? Endpoint, string? Image, JsonObject? Capabilities,
        List<string>? Tags, string? Provider, JsonObject? ConfigSchema, Dictionary<string, string>? DisplayName,
        Dictionary<string, string>? Description, string? ContractVersion);

    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapPluginsApi(this RouteGroupBuilder api)
    {
        var plugins = api.MapGroup("/plugins").WithTags("Catalog");
        plugins.MapGet("/", ListAsync).RequireAuthorization(Roles.Viewer);
        plugins.MapGet("/{id}", async (string id, CatalogService catalog, IDbContextFactory<CenterDbContext> store, CancellationToken ct) =>
        {
            await using var db = await store.CreateDbContextAsync(ct);
            var plugin = await db.Plugins.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
            return plugin is null
                ? Problems.NotFound($"There is no plugin '{id}' in the catalog; GET /api/v1/plugins?q=... searches it.")
                : Results.Ok(PluginDetail.Of(plugin, await catalog.VersionsAsync(id, ct)));
        }).RequireAuthorization(Roles.Viewer);
        plugins.MapPost("/", RegisterAsync).RequireAuthorization(Roles.Admin);

        api.MapPost("/packages", UploadAsync).WithTags("Catalog").RequireAuthorization(Roles.Admin)
            .WithDescription("Uploads a .pbpkg (the request body, application/octet-stream); it is verified like a synced package.");
        return api;
    }

    private static async Task<IResult> ListAsync(
        string? q, string? tag, string? contract, string? runtime, int? page, int? pageSize,
        CatalogService catalog, IDbContextFactory<CenterDbContext> store, CancellationToken ct)
    {
        var size = Math.Clamp(pageSize ?? 50, 1, 500);
        var number = Math.Max(page ?? 1, 1);
        await using var db = await store.CreateDbContextAsync(ct);
        var versions = db.PluginVersions.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim().ToLowerInvariant();
            versions = versions.Where(v => v.SearchText.Contains(text));
        }

        if (!string.IsNullOrWhiteSpace(tag))
        {
            var t = "|" + tag.Trim().ToLowerInvariant() + "|";
            versions = versions.Where(v => v.Tags.Contains(t));
        }

        if (!string.IsNullOrWhiteSpace(contract))
        {
            var c = "|" + contract.Trim().ToLowerInvariant() + "|";
            versions = versions.Where(v => v.Contracts.Contains(c));
        }

        if (!string.IsNullOrWhiteSpace(runtime))
        {
            var r = runtime.Trim().ToLowerInvariant();
            versions = versions.Where(v => v.Runtime == r);
        }

        // Unfiltered, the page comes from the plugins table (one row per plugin; every plugin has a version) instead
        // of a DISTINCT over every version; and only the latest version of each plugin on the page is read whole
        // (its manifest): the others are counted and compared by version alone (bench/run center, docs/benchmarks.md).
        var filtered = !string.IsNullOrWhiteSpace(q) || !string.IsNullOrWhiteSpace(tag) || !string.IsNullOrWhiteSpace(contract) || !string.IsNullOrWhiteSpace(runtime);
        var ids = filtered ? versions.Select(v => v.PluginId).Distinct() : db.Plugins.AsNoTracking().Select(p => p.Id);
        var total = await ids.CountAsync(ct);
        var pageIds = await ids.OrderBy(id => id).Skip((number - 1) * size).Take(size).ToListAsync(ct);
        var keys = await db.PluginVersions.AsNoTracking().Where(v => pageIds.Contains(v.PluginId))
            .Select(v => new { v.Id, v.PluginId, v.Version }).ToListAsync(ct);
        var perPlugin = keys.GroupBy(k => k.PluginId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (Latest: g.MaxBy(k => NuGetVersion.Parse(k.Version))!.Id, Count: g.Count()), StringComparer.Ordinal);
        var latestIds = perPlugin.Values.Select(v => v.Latest).ToList();
        var rows = await db.PluginVersions.AsNoTracking().Where(v => latestIds.Contains(v.Id)).ToListAsync(ct);
        var kinds = await db.Plugins.AsNoTracking().Where(p => pageIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Kind, ct);
        var items = rows.OrderBy(r => r.PluginId, StringComparer.Ordinal).Select(row =>
        {
            var latest = catalog.Parse(row);
            var m = latest.Manifest;
            return new PluginSummary(
                row.PluginId, kinds.GetValueOrDefault(row.PluginId, "package"), row.Version, m.DisplayName.Values, m.Description.Values, m.Provider,
                m.Tags, row.Runtime, m.Contracts.Select(c => c.Name).ToList(), perPlugin[row.PluginId].Count);
        }).ToList();
        return Results.Ok(new PageOf<PluginSummary>(items, number, size, total));
    }

    private static async Task<IResult> RegisterAsync(RegisterPluginRequest body, CatalogService catalog, EventLog events, IDbContextFactory<CenterDbContext> store, HttpContext http, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(body.Id))
        {
            errors.Add(new("$.id", "required: the plugin id (lower-case letters, digits and dashes)"));
        }

        if (string.IsNullOrWhiteSpace(body.ServiceType))
        {
            errors.Add(new("$.serviceType", "required: the contract it serves, e.g. usersync.datasource"));
        }

        if (string.IsNullOrWhiteSpace(body.Endpoint) && string.IsNullOrWhiteSpace(body.Image))
        {
            errors.Add(new("$.endpoint", "an endpoint (where it runs) or an image (what to run) is required"));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        // The registration is written as a manifest (YAML accepts JSON), so it is checked by the one manifest reader.
        // A version's image is one more entry beside the per-platform ones (entry.image): what runs on Kubernetes.
        var entry = new JsonObject { ["default"] = body.Endpoint ?? body.Image };
        if (!string.IsNullOrWhiteSpace(body.Image))
        {
            entry[Kubernetes.KubernetesWorkload.ImageEntry] = body.Image.Trim();
        }

        var manifest = new JsonObject
        {
            ["id"] = body.Id,
            ["version"] = body.Version ?? "1.0.0",
            ["runtime"] = "endpoint",
            ["entry"] = entry,
            ["contracts"] = new JsonArray(new JsonObject { ["name"] = body.ServiceType, ["version"] = body.ContractVersion ?? "^1.0" }),
        };
        if (body.Provider is not null)
        {
            manifest["provider"] = body.Provider;
        }

        if (body.Tags is { Count: > 0 })
        {
            manifest["tags"] = new JsonArray([.. body.Tags.Select(t => (JsonNode?)JsonValue.Create(t))]);
        }

        if (body.Capabilities is not null)
        {
            manifest["capabilities"] = body.Capabilities.DeepClone();
        }

        if (body.ConfigSchema is not null)
        {
            manifest["config"] = body.ConfigSchema.DeepClone();
        }

        if (body.DisplayName is not null)
        {
            manifest["displayName"] = JsonSerializer.SerializeToNode(body.DisplayName);
        }

        if (body.Description is not null)
        {
            manifest["description"] = JsonSerializer.SerializeToNode(body.Description);
        }

        var yaml = manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        PluginManifest parsed;
        try
        {
            parsed = ManifestReader.Parse(yaml);
        }
        catch (ManifestException ex)
        {
            return Problems.Validation(ex.Errors.Select(e => new FieldError(MapPath(e.Path), e.Message)));
        }

        try
        {
            var registration = new PluginRow { Id = parsed.Id, Kind = "registered", ServiceType = body.ServiceType, Endpoint = body.Endpoint, Image = body.Image };
            var (added, row) = await catalog.ImportAsync(yaml, parsed, null, null, "registered", registration, ct);
            if (added)
            {
                await using var db = await store.CreateDbContextAsync(ct);
                events.Add(db, "plugin.registered", Actor.Of(http.User), $"{parsed.Id} {row.Version} registered ({body.Endpoint ?? body.Image})", pluginId: parsed.Id, version: row.Version);
                await db.SaveChangesAsync(ct);
                events.Saved();
            }

            return added ? Results.Created($"/api/v1/plugins/{parsed.Id}", PluginVersionDto.Of(catalog.Parse(row))) : Results.Ok(PluginVersionDto.Of(catalog.Parse(row)));
        }
        catch (CatalogConflictException ex)
        {
            return Problems.Conflict(ex.Message);
        }
    }

    private static string MapPath(string? manifestPath) => manifestPath switch
    {
        null => "$",
        "config" => "$.configSchema",
        _ when manifestPath.StartsWith("config.", StringComparison.Ordinal) => "$.configSchema." + manifestPath["config.".Length..],
        "entry" or "entry.default" => "$.endpoint",
        "entry.image" => "$.image",
        _ => "$." + manifestPath,
    };

    private static async Task<IResult> UploadAsync(HttpRequest request, CatalogService catalog, EventLog events, IDbContextFactory<CenterDbContext> store, HttpContext http, CancellationToken ct)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"plugboard-upload-{Guid.NewGuid():N}.pbpkg");
        try
        {
            await using (var file = File.Create(temp))
            {
                await request.Body.CopyToAsync(file, ct);
            }

            if (new FileInfo(temp).Length == 0)
            {
                return Problems.Field("$", "the body is empty; send the .pbpkg file's bytes (Content-Type: application/octet-stream)");
            }

            var (added, row) = await catalog.UploadAsync(temp, ct);
            if (added)
            {
                await using var db = await store.CreateDbContextAsync(ct);
                events.Add(db, "package.uploaded", Actor.Of(http.User), $"{row.PluginId} {row.Version} uploaded ({row.Digest})", pluginId: row.PluginId, version: row.Version);
                await db.SaveChangesAsync(ct);
                events.Saved();
                http.RequestServices.GetRequiredService<Installations.InstallationController>().Wake();
            }

            var dto = PluginVersionDto.Of(catalog.Parse(row));
            return added ? Results.Created($"/api/v1/plugins/{row.PluginId}", dto) : Results.Ok(dto);
        }
        catch (PackageRejectedException ex)
        {
            return Results.Problem(
                title: "The package was refused",
                detail: ex.Message,
                statusCode: StatusCodes.Status422UnprocessableEntity,
                extensions: new Dictionary<string, object?> { ["errors"] = ex.Problems.Select(p => new FieldError("$", p)).ToList() });
        }
        catch (CatalogConflictException ex)
        {
            return Problems.Conflict(ex.Message);
        }
        finally
        {
            File.Delete(temp);
        }
    }
}

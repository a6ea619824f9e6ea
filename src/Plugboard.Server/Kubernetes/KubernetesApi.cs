using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Plugboard.Server.Access;
using Plugboard.Server.Api;
using Plugboard.Server.Catalog;
using Plugboard.Server.Configuration;
using Plugboard.Server.Store;

namespace Plugboard.Server.Kubernetes;

/// <summary><c>GET /api/v1/installations/{id}/kubernetes</c>: an installation's Deployment and Service as YAML.</summary>
public static class KubernetesApi
{
    /// <summary>The media type of the rendered manifests.</summary>
    public const string YamlMediaType = "application/yaml";

    /// <summary>Maps the endpoint.</summary>
    public static RouteGroupBuilder MapKubernetesApi(this RouteGroupBuilder api)
    {
        api.MapGet("/installations/{id}/kubernetes", RenderAsync).WithTags("Installations").RequireAuthorization(Roles.Viewer)
            .WithDescription("The installation's Kubernetes Deployment and Service (YAML, as kubectl apply -f takes it), for a plugin registered with an image.");
        return api;
    }

    private static async Task<IResult> RenderAsync(string id, IDbContextFactory<CenterDbContext> store, CatalogService catalog, IOptions<CenterOptions> options, CancellationToken ct)
    {
        await using var db = await store.CreateDbContextAsync(ct);
        var row = await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (row is null)
        {
            return Problems.NotFound($"There is no installation '{id}'; GET /api/v1/installations lists them.");
        }

        var versions = await catalog.VersionsAsync(row.PluginId, ct);
        var target = versions.FirstOrDefault(v => v.Row.Version == row.Version)
            ?? CatalogService.Resolve(versions, row.UpgradeMode, row.PinnedVersion, row.Version);
        if (target is null)
        {
            return Problems.Conflict($"No version of {row.PluginId} can be resolved for {id} ({row.Reason ?? row.Phase}); nothing to render.");
        }

        if (KubernetesWorkload.ImageOf(target.Manifest) is null)
        {
            return Problems.Conflict($"{row.PluginId} {target.Row.Version} has no container image, so it has no Kubernetes workload; register a version with an image (POST /api/v1/plugins with 'image').");
        }

        var (deployment, service) = KubernetesWorkload.Render(row.Id, row.Generation, target.Manifest, row.ResourcesJson, options.Value.Kubernetes);
        return Results.Text(KubernetesWorkload.ToYaml(deployment, service), YamlMediaType);
    }
}

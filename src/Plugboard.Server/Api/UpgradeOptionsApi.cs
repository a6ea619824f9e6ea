using Microsoft.EntityFrameworkCore;
using NuGet.Versioning;
using Plugboard.Server.Access;

namespace Plugboard.Server.Api;

/// <summary>
/// <c>GET /api/v1/installations/{id}/upgrades</c>: every catalog version of the installation's plugin with whether
/// its upgrade rules allow moving there from the running version, and why not — the same rule PATCH enforces.
/// </summary>
public static class UpgradeOptionsApi
{
    /// <summary>One version an installation could move to.</summary>
    public sealed record UpgradeOption(string Version, bool Current, bool Allowed, string? Reason);

    /// <summary>Maps the endpoint.</summary>
    public static RouteGroupBuilder MapUpgradeOptionsApi(this RouteGroupBuilder api)
    {
        api.MapGet("/installations/{id}/upgrades", async (string id, InstallationsApi.Context c, CancellationToken ct) =>
        {
            await using var db = await c.Store.CreateDbContextAsync(ct);
            var row = await db.Installations.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
            if (row is null)
            {
                return Problems.NotFound($"There is no installation '{id}'.");
            }

            var versions = await c.Catalog.VersionsAsync(row.PluginId, ct);
            var running = row.Version is { } v && NuGetVersion.TryParse(v, out var parsed) ? parsed : null;
            var options = versions.OrderByDescending(x => x.Version).Select(target =>
            {
                if (running is null)
                {
                    return new UpgradeOption(target.Row.Version, false, true, null);
                }

                if (target.Version == running)
                {
                    return new UpgradeOption(target.Row.Version, true, false, "running now");
                }

                if (target.AcceptsUpgradeFrom(running))
                {
                    return new UpgradeOption(target.Row.Version, false, true, null);
                }

                var reason = target.Version < running
                    ? $"older than {row.Version} (downgrades are refused)"
                    : $"{target.Row.Version} supports upgrades from {target.Manifest.SupportedUpgradeFrom} only, not from {row.Version}";
                return new UpgradeOption(target.Row.Version, false, false, reason);
            }).ToList();
            return Results.Ok(options);
        }).WithTags("Installations").RequireAuthorization(Roles.Viewer);
        return api;
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Plugboard.Server.Catalog;
using Plugboard.Server.Installations;
using Plugboard.Server.Store;

namespace Plugboard.Server.Hosts;

/// <summary>One installation as a managed host must realize it: the resolved version, its package digest and the whole configuration.</summary>
/// <param name="Id">The installation id.</param>
/// <param name="Plugin">The plugin id.</param>
/// <param name="Version">The version to run (resolved from the pin or the upgrade rules).</param>
/// <param name="Runtime">The version's runtime (assembly, process, …).</param>
/// <param name="Digest">The package digest; the host downloads <c>GET /api/v1/packages/{digest}</c> and checks it.</param>
/// <param name="Generation">The installation's generation; the host reports the one it applied.</param>
/// <param name="Config">The configuration validated against the version's schema, defaults applied, secrets decrypted.</param>
public sealed record DesiredInstallation(string Id, string Plugin, string Version, string Runtime, string Digest, long Generation, JsonObject Config);

/// <summary>What the hosts of a scope must run; <paramref name="Revision"/> changes exactly when the content does.</summary>
/// <param name="Scope">The scope.</param>
/// <param name="Revision">A digest of the content: the watch's ETag.</param>
/// <param name="Installations">The installations, in creation order.</param>
public sealed record DesiredStateDto(string Scope, string Revision, IReadOnlyList<DesiredInstallation> Installations);

/// <summary>
/// Computes the desired state of a managed scope from the store, and why an installation is left out of it (a
/// version missing, a configuration the version's schema refuses, a plugin with no package).
/// </summary>
public sealed class DesiredState(IDbContextFactory<CenterDbContext> store, CatalogService catalog, InstallationConfig configs)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The desired state of <paramref name="scope"/> and the problems of the installations left out.</summary>
    public async Task<(DesiredStateDto State, IReadOnlyDictionary<string, string> Problems)> ComputeAsync(string scope, CancellationToken cancellationToken)
    {
        List<InstallationRow> rows;
        await using (var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false))
        {
            rows = await db.Installations.AsNoTracking().Where(i => i.Scope == scope && !i.Deleting).OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        var list = new List<DesiredInstallation>();
        var problems = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var versions = await catalog.VersionsAsync(row.PluginId, cancellationToken).ConfigureAwait(false);
            var target = CatalogService.Resolve(versions, row.UpgradeMode, row.PinnedVersion, row.Version);
            if (target is null)
            {
                problems[row.Id] = row.UpgradeMode == "manual"
                    ? $"version {row.PinnedVersion} of {row.PluginId} is not in the catalog; sync its source or upload it"
                    : $"no version of {row.PluginId} in the catalog can be installed";
                continue;
            }

            if (target.Row.Digest is null)
            {
                problems[row.Id] = $"{row.PluginId} {target.Row.Version} is registered without a package (it runs elsewhere); managed hosts run packaged plugins only";
                continue;
            }

            var configuration = configs.Join(row.ConfigJson, row.SecretsCipher);
            if (target.Manifest.ConfigSchema is { } schema)
            {
                var result = schema.Validate(configuration);
                if (result.Errors.Count > 0)
                {
                    problems[row.Id] = $"the configuration is not valid for {row.PluginId} {target.Row.Version}: " + string.Join("; ", result.Errors.Select(e => $"{e.Path}: {e.Message}"));
                    continue;
                }

                configuration = result.Value;
            }

            list.Add(new DesiredInstallation(row.Id, row.PluginId, target.Row.Version, target.Row.Runtime, target.Row.Digest, row.Generation, configuration));
        }

        // The revision digests the content (secrets included, as a hash only), so it changes exactly when a host has work.
        var bytes = JsonSerializer.SerializeToUtf8Bytes(list, Json);
        var revision = Convert.ToHexStringLower(SHA256.HashData(bytes))[..24];
        return (new DesiredStateDto(scope, revision, list), problems);
    }

    /// <summary>The quoted ETag of a revision.</summary>
    public static string ETagOf(string revision) => $"\"{revision}\"";
}

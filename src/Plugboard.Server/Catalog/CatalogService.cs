using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using NuGet.Versioning;
using Plugboard.Manifests;
using Plugboard.Packaging;
using Plugboard.Server.Store;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Locking;

namespace Plugboard.Server.Catalog;

/// <summary>
/// The catalog: every plugin version the center knows, from synced sources, uploads and registrations,
/// with its manifest. Packages live in the center's cache (<see cref="CacheStore"/>), by digest.
/// </summary>
public sealed class CatalogService(IDbContextFactory<CenterDbContext> store, CenterCache cache, TimeProvider time, CenterMetrics metrics, ILogger<CatalogService> logger)
{
    private readonly ConcurrentDictionary<long, PluginManifest> _manifests = new();

    /// <summary>Parses a stored version's manifest (cached: versions never change).</summary>
    public CatalogVersion Parse(PluginVersionRow row) =>
        new(row, _manifests.GetOrAdd(row.Id, _ => ManifestReader.Parse(row.ManifestYaml)));

    /// <summary>Every version of a plugin, lowest first.</summary>
    public async Task<IReadOnlyList<CatalogVersion>> VersionsAsync(string pluginId, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.PluginVersions.AsNoTracking().Where(v => v.PluginId == pluginId).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(Parse).OrderBy(v => v.Version).ToList();
    }

    /// <summary>
    /// Adds one package version to the catalog (nothing when the same id and version with the same digest is there).
    /// </summary>
    /// <returns>Whether it was added; the existing row when it was there.</returns>
    /// <exception cref="CatalogConflictException">The same id and version is there with another digest.</exception>
    public async Task<(bool Added, PluginVersionRow Row)> ImportAsync(string manifestYaml, PluginManifest manifest, string? digest, string? signatureKeyId, string origin, PluginRow? registration, CancellationToken cancellationToken)
    {
        var version = manifest.Version.ToNormalizedString();
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var existing = await db.PluginVersions.AsNoTracking().FirstOrDefaultAsync(v => v.PluginId == manifest.Id && v.Version == version, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.Digest != digest || (digest is null && existing.ManifestYaml != manifestYaml))
            {
                throw new CatalogConflictException($"{manifest.Id} {version} is already in the catalog (from '{existing.Origin}', {existing.Digest ?? "registered"}) with other contents; publish a new version instead of changing this one.");
            }

            return (false, existing);
        }

        var now = time.GetUtcNow();
        var plugin = await db.Plugins.FirstOrDefaultAsync(p => p.Id == manifest.Id, cancellationToken).ConfigureAwait(false);
        if (plugin is null)
        {
            plugin = registration ?? new PluginRow { Id = manifest.Id, Kind = "package" };
            plugin.CreatedAt = now;
            db.Plugins.Add(plugin);
        }

        var row = new PluginVersionRow
        {
            PluginId = manifest.Id,
            Version = version,
            Digest = digest,
            SignatureKeyId = signatureKeyId,
            Origin = origin,
            Runtime = manifest.Runtime.ToString().ToLowerInvariant(),
            ManifestYaml = manifestYaml,
            SearchText = SearchTextOf(manifest),
            Tags = Joined(manifest.Tags),
            Contracts = Joined(manifest.Contracts.Select(c => c.Name)),
            CreatedAt = now,
        };
        db.PluginVersions.Add(row);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        metrics.Imported(origin);
        logger.LogInformation("Catalog: {PluginId} {Version} added from {Origin}", manifest.Id, version, origin);
        return (true, row);
    }

    /// <summary>
    /// Verifies an uploaded package (digest of every file, manifest, signature when present), keeps it in the
    /// center's cache and adds it to the catalog.
    /// </summary>
    /// <exception cref="PackageRejectedException">The package is invalid; lists every problem.</exception>
    public async Task<(bool Added, PluginVersionRow Row)> UploadAsync(string packagePath, CancellationToken cancellationToken)
    {
        var verification = await PackageVerifier.VerifyAsync(packagePath, VerificationOptions.Default, cancellationToken).ConfigureAwait(false);
        if (!verification.IsValid || verification.Manifest is null)
        {
            throw new PackageRejectedException(verification.Problems.Select(p => p.Message).DefaultIfEmpty("the package has no readable plugin.yaml").ToList());
        }

        var manifest = verification.Manifest;
        try
        {
            // Locked like a synced package: this id and version can never be other bytes, whether they come back by upload or by sync.
            await cache.Store.LockAsync(cache.LockFile, manifest.Id, manifest.Version.ToFullString(), verification.Digest, "upload", cancellationToken).ConfigureAwait(false);
        }
        catch (LockConflictException ex)
        {
            throw new CatalogConflictException($"{manifest.Id} {manifest.Version} is locked to {ex.LockedDigest} and this package is {ex.FoundDigest}; publish a new version instead of changing this one.");
        }

        await cache.Store.Blobs.PutAsync(verification.Digest, packagePath, cancellationToken).ConfigureAwait(false);
        var folder = await cache.ExtractAsync("upload", manifest.Id, manifest.Version.ToNormalizedString(), verification.Digest.Value, cancellationToken).ConfigureAwait(false);
        var yaml = await File.ReadAllTextAsync(Path.Combine(folder, PluginManifest.FileName), Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        return await ImportAsync(yaml, manifest, verification.Digest.Value, verification.SignatureKeyId, "upload", null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The highest version an installation may run: manual pins; auto follows the upgrade rules from <paramref name="current"/>.</summary>
    public static CatalogVersion? Resolve(IReadOnlyList<CatalogVersion> versions, string upgradeMode, string? pinned, string? current)
    {
        if (upgradeMode == "manual")
        {
            return versions.FirstOrDefault(v => v.Row.Version == pinned);
        }

        var from = current is null ? null : NuGetVersion.Parse(current);
        return versions
            .Where(v => !v.Version.IsPrerelease)
            .Where(v => from is null || v.AcceptsUpgradeFrom(from))
            .MaxBy(v => v.Version);
    }

    private static string Joined(IEnumerable<string> values)
    {
        var list = values.Select(v => v.ToLowerInvariant()).ToList();
        return list.Count == 0 ? string.Empty : "|" + string.Join('|', list) + "|";
    }

    private static string SearchTextOf(PluginManifest manifest) =>
        string.Join(' ', new[] { manifest.Id, manifest.Provider }
            .Concat(manifest.DisplayName.Values.Values)
            .Concat(manifest.Description.Values.Values)
            .Concat(manifest.Tags)
            .Where(s => !string.IsNullOrEmpty(s)))
        .ToLowerInvariant();
}

/// <summary>A version that is already in the catalog with other contents.</summary>
public sealed class CatalogConflictException(string message) : Exception(message);

/// <summary>An uploaded package that failed verification.</summary>
public sealed class PackageRejectedException(IReadOnlyList<string> problems) : Exception("The package was refused: " + string.Join("; ", problems))
{
    /// <summary>Every problem found.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;
}

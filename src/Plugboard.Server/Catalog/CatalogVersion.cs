using NuGet.Versioning;
using Plugboard.Manifests;
using Plugboard.Server.Store;

namespace Plugboard.Server.Catalog;

/// <summary>A catalog version with its parsed manifest.</summary>
/// <param name="Row">The stored row.</param>
/// <param name="Manifest">Its manifest.</param>
public sealed record CatalogVersion(PluginVersionRow Row, PluginManifest Manifest)
{
    /// <summary>The version.</summary>
    public NuGetVersion Version => Manifest.Version;

    /// <summary>
    /// Whether an installation running <paramref name="current"/> may move to this version: the manifest's
    /// <c>supportedUpgradeFrom</c> admits it (no rule: any older version may upgrade).
    /// </summary>
    public bool AcceptsUpgradeFrom(NuGetVersion current) =>
        current == Version || (current < Version && (Manifest.SupportedUpgradeFrom?.Satisfies(current) ?? true));
}

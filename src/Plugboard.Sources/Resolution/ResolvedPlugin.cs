using NuGet.Versioning;
using Plugboard.Packaging;

namespace Plugboard.Sources.Resolution;

/// <summary>A plugin to load: the version chosen from the cache and the extracted folder holding it.</summary>
/// <param name="Id">The plugin id.</param>
/// <param name="Version">The version chosen: the highest the plugin's set allows.</param>
/// <param name="Digest">The package digest.</param>
/// <param name="Directory">The extracted plugin folder (with its <c>plugin.yaml</c>), in the cache.</param>
/// <param name="Source">The source it came from.</param>
/// <param name="Set">The plugin set it came from.</param>
public sealed record ResolvedPlugin(string Id, NuGetVersion Version, PackageDigest Digest, string Directory, string Source, string Set);

namespace Plugboard.Packaging;

/// <summary>What <see cref="PackageWriter"/> produced.</summary>
public sealed record PackageInfo
{
    /// <summary>The plugin id from the manifest.</summary>
    public required string Id { get; init; }

    /// <summary>The plugin version from the manifest (SemVer 2, full form).</summary>
    public required string Version { get; init; }

    /// <summary>The digest of the archive bytes.</summary>
    public required PackageDigest Digest { get; init; }

    /// <summary>The number of plugin files packed (including <c>plugin.yaml</c>, excluding the content list).</summary>
    public required int FileCount { get; init; }

    /// <summary>The size of the archive in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>The content list written into the package.</summary>
    public required PackageContents Contents { get; init; }

    /// <summary>
    /// Paths in the folder deliberately not packed, for the packer to report: what the ignore rules left out (a folder once, ending in
    /// <c>/</c>) and npm's <c>node_modules/.bin</c> links.
    /// </summary>
    public IReadOnlyList<string> LeftOut { get; init; } = [];

    /// <summary>Where the ignore rules came from: <c>.pbignore</c>, or which default rules (see <see cref="PackOptions"/>).</summary>
    public string? IgnoreRules { get; init; }

    /// <summary>The package file, when packed to a path; null when packed to a stream.</summary>
    public string? Path { get; init; }
}

namespace Plugboard.Packaging;

/// <summary>What <see cref="PackageExtractor"/> produced.</summary>
public sealed record ExtractedPackage
{
    /// <summary>The folder the package was extracted to (full path).</summary>
    public required string Directory { get; init; }

    /// <summary>The digest of the package extracted.</summary>
    public required PackageDigest Digest { get; init; }

    /// <summary>The content list, whose every file was checked while extracting.</summary>
    public required PackageContents Contents { get; init; }

    /// <summary>The plugin id from the content list.</summary>
    public string Id => Contents.Id;

    /// <summary>The plugin version from the content list.</summary>
    public string Version => Contents.Version;
}

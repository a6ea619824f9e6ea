using Plugboard.Packaging;

namespace Plugboard.Sources;

/// <summary>
/// One package a source offers in one plugin set, before its bytes are fetched. The sync recognizes a
/// candidate it already holds by <see cref="Origin"/> + <see cref="Fingerprint"/> and then fetches nothing.
/// </summary>
public abstract class SourcePackage
{
    /// <summary>The key of the plugin set offering it.</summary>
    public required string SetKey { get; init; }

    /// <summary>Where it is in the source (a path or a URL), for messages and to recognize it next time.</summary>
    public required string Origin { get; init; }

    /// <summary>
    /// Changes whenever the bytes may have changed (a git object id, a size and time, a digest). Two
    /// candidates with the same origin and fingerprint must give the same package.
    /// </summary>
    public required string Fingerprint { get; init; }

    /// <summary>The plugin id the source claims before fetching (e.g. from an index), to skip unwanted plugins; checked against the manifest.</summary>
    public string? ClaimedId { get; init; }

    /// <summary>The version the source claims before fetching; checked against the manifest.</summary>
    public string? ClaimedVersion { get; init; }

    /// <summary>The digest the source publishes for the package (e.g. in an http index); the fetched bytes must match it.</summary>
    public PackageDigest? ExpectedDigest { get; init; }

    /// <summary>
    /// Writes the package to <paramref name="packagePath"/> and, when the source has one, its detached
    /// signature to <c>{packagePath}.sig</c>.
    /// </summary>
    /// <exception cref="SourceException">The package cannot be fetched.</exception>
    public abstract Task FetchAsync(string packagePath, CancellationToken cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"{Origin} (set {SetKey})";
}

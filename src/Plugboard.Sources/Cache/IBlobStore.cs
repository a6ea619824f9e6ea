using Plugboard.Packaging;

namespace Plugboard.Sources.Cache;

/// <summary>
/// Where package bytes are kept, by digest, with their detached signature when they have one. The file
/// system is the default (<see cref="FileSystemBlobStore"/>); Plugboard.Sources.S3 adds a bucket, shared by
/// many hosts. Writes must be atomic: a blob is complete or absent.
/// </summary>
public interface IBlobStore
{
    /// <summary>Whether the package with <paramref name="digest"/> is stored.</summary>
    Task<bool> ExistsAsync(PackageDigest digest, CancellationToken cancellationToken);

    /// <summary>
    /// Stores the package file at <paramref name="packagePath"/> (whose digest the caller verified) and its
    /// signature <c>{packagePath}.sig</c> when present.
    /// </summary>
    Task PutAsync(PackageDigest digest, string packagePath, CancellationToken cancellationToken);

    /// <summary>Writes the stored package to <paramref name="packagePath"/> and its signature, when stored, to <c>{packagePath}.sig</c>.</summary>
    /// <exception cref="FileNotFoundException">The blob is not stored.</exception>
    Task CopyToAsync(PackageDigest digest, string packagePath, CancellationToken cancellationToken);

    /// <summary>The local file holding the package when blobs are local files (no copy needed), else null.</summary>
    string? LocalPathOf(PackageDigest digest);

    /// <summary>Every stored digest.</summary>
    IAsyncEnumerable<PackageDigest> ListAsync(CancellationToken cancellationToken);

    /// <summary>Removes a package and its signature; nothing happens when it is not stored.</summary>
    Task DeleteAsync(PackageDigest digest, CancellationToken cancellationToken);
}

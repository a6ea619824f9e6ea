using System.Runtime.CompilerServices;
using Plugboard.Packaging;

namespace Plugboard.Sources.Cache;

/// <summary>Blobs as files: <c>{root}/sha256/{hex}.pbpkg</c>, and <c>{hex}.pbpkg.sig</c> beside it when signed.</summary>
public sealed class FileSystemBlobStore : IBlobStore
{
    /// <summary>Creates the store rooted at <paramref name="root"/> (usually <c>{cacheDir}/blobs</c>).</summary>
    public FileSystemBlobStore(string root) => Root = Path.GetFullPath(root);

    /// <summary>The root folder.</summary>
    public string Root { get; }

    private string Folder => Path.Combine(Root, "sha256");

    /// <summary>The file of the package with <paramref name="digest"/>.</summary>
    public string PathOf(PackageDigest digest) => Path.Combine(Folder, digest.Hex + PackageFormat.Extension);

    /// <inheritdoc />
    public Task<bool> ExistsAsync(PackageDigest digest, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(digest)));

    /// <inheritdoc />
    public async Task PutAsync(PackageDigest digest, string packagePath, CancellationToken cancellationToken)
    {
        var target = PathOf(digest);
        if (!File.Exists(target))
        {
            await AtomicFile.CopyAsync(packagePath, target, cancellationToken).ConfigureAwait(false);
        }

        var signature = PackageFormat.SignaturePathFor(packagePath);
        if (File.Exists(signature))
        {
            await AtomicFile.CopyAsync(signature, PackageFormat.SignaturePathFor(target), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task CopyToAsync(PackageDigest digest, string packagePath, CancellationToken cancellationToken)
    {
        var source = PathOf(digest);
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"Package {digest} is not in the cache ('{source}'). Run a sync to fetch it again.", source);
        }

        await AtomicFile.CopyAsync(source, packagePath, cancellationToken).ConfigureAwait(false);
        var signature = PackageFormat.SignaturePathFor(source);
        if (File.Exists(signature))
        {
            await AtomicFile.CopyAsync(signature, PackageFormat.SignaturePathFor(packagePath), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The half-written packages and signatures of stopped syncs (temporary files never renamed into place).</summary>
    internal IReadOnlyList<string> FindInterruptedWrites() => AtomicFile.FindInterruptedWritesIn(Folder);

    /// <inheritdoc />
    public string? LocalPathOf(PackageDigest digest) => PathOf(digest);

    /// <inheritdoc />
    public async IAsyncEnumerable<PackageDigest> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!Directory.Exists(Folder))
        {
            yield break;
        }

        foreach (var file in Directory.EnumerateFiles(Folder, "*" + PackageFormat.Extension))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (PackageDigest.TryParse(PackageDigest.Prefix + Path.GetFileNameWithoutExtension(file), out var digest))
            {
                yield return digest;
            }
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(PackageDigest digest, CancellationToken cancellationToken)
    {
        var path = PathOf(digest);
        File.Delete(PackageFormat.SignaturePathFor(path));
        File.Delete(path);
        return Task.CompletedTask;
    }
}

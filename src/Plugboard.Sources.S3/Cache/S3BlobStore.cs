using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Packaging;
using Plugboard.Sources.Cache;
using Plugboard.Sources.S3.Connection;

namespace Plugboard.Sources.S3.Cache;

/// <summary>
/// Packages in a bucket, by digest: <c>{prefix}/sha256/{hex}.pbpkg</c> and <c>{hex}.pbpkg.sig</c> beside it
/// when signed. Many hosts may share it: an upload is skipped when the digest is already stored (the same
/// digest is the same bytes, so concurrent uploads write identical objects), a PUT is atomic in S3, and
/// every read is checked against the digest before it is handed over, so bytes altered in the bucket are
/// never used (a package this store has just uploaded is copied from its local file, hashed again, instead
/// of being downloaded back). Deleting is off unless <see cref="S3CacheOptions.AllowDelete"/>, since another host may still
/// need a package this host no longer references.
/// </summary>
public sealed class S3BlobStore : IBlobStore
{
    private const string Folder = "sha256";
    private const string DigestMetadata = "plugboard-digest";
    private const int RecentlyStoredLimit = 1024;
    private readonly IAmazonS3 _client;
    private readonly S3CacheOptions _options;
    private readonly ILogger _logger;

    // Files this store uploaded lately: the sync extracts a package right after storing it, and copying the
    // local file (checked against its digest again) saves downloading what was just uploaded.
    private readonly ConcurrentDictionary<string, string> _recentlyStored = new(StringComparer.Ordinal);

    /// <summary>Creates the store over <paramref name="client"/> (not disposed by the store).</summary>
    public S3BlobStore(IAmazonS3 client, S3CacheOptions options, ILogger<S3BlobStore>? logger = null)
    {
        _client = client;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The key of the package with <paramref name="digest"/>.</summary>
    public string KeyOf(PackageDigest digest) => _options.KeyFor($"{Folder}/{digest.Hex}{PackageFormat.Extension}");

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(PackageDigest digest, CancellationToken cancellationToken)
    {
        var key = KeyOf(digest);
        try
        {
            await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (S3Failure.IsNotFound(ex))
        {
            return false;
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            throw Failed($"checking s3://{_options.Bucket}/{key}", ex);
        }
    }

    /// <inheritdoc />
    public async Task PutAsync(PackageDigest digest, string packagePath, CancellationToken cancellationToken)
    {
        // The bucket is shared: never let a wrong file in under a digest every host trusts.
        var actual = await PackageDigest.ComputeFileAsync(packagePath, cancellationToken).ConfigureAwait(false);
        if (actual != digest)
        {
            throw new InvalidDataException($"{_options.Owner}: '{packagePath}' has digest {actual}, not {digest}; it is not stored.");
        }

        var key = KeyOf(digest);
        if (!await ExistsAsync(digest, cancellationToken).ConfigureAwait(false))
        {
            await UploadAsync(key, packagePath, digest, cancellationToken).ConfigureAwait(false);
            _logger.LogDebug("Stored package {Digest} at s3://{Bucket}/{Key}.", digest, _options.Bucket, key);
        }

        var signature = PackageFormat.SignaturePathFor(packagePath);
        if (File.Exists(signature))
        {
            await UploadAsync(PackageFormat.SignaturePathFor(key), signature, null, cancellationToken).ConfigureAwait(false);
        }

        if (_recentlyStored.Count >= RecentlyStoredLimit)
        {
            _recentlyStored.Clear();
        }

        _recentlyStored[digest.Hex] = Path.GetFullPath(packagePath);
    }

    /// <inheritdoc />
    public async Task CopyToAsync(PackageDigest digest, string packagePath, CancellationToken cancellationToken)
    {
        var key = KeyOf(digest);
        var full = Path.GetFullPath(packagePath);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        if (await TryCopyRecentlyStoredAsync(digest, full, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        if (!await DownloadAsync(key, full, digest, cancellationToken).ConfigureAwait(false))
        {
            throw new FileNotFoundException($"{_options.Owner}: package {digest} is not stored at s3://{_options.Bucket}/{key}. Run a sync to fetch it again.", key);
        }

        var signature = PackageFormat.SignaturePathFor(full);
        if (!await DownloadAsync(PackageFormat.SignaturePathFor(key), signature, null, cancellationToken).ConfigureAwait(false))
        {
            File.Delete(signature);
        }
    }

    /// <inheritdoc />
    public string? LocalPathOf(PackageDigest digest) => null;

    /// <inheritdoc />
    public async IAsyncEnumerable<PackageDigest> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var prefix = _options.KeyFor(Folder) + "/";
        var request = new ListObjectsV2Request { BucketName = _options.Bucket, Prefix = prefix };
        do
        {
            ListObjectsV2Response response;
            try
            {
                response = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
            {
                throw Failed($"listing s3://{_options.Bucket}/{prefix}", ex);
            }

            foreach (var item in response.S3Objects ?? [])
            {
                var name = item.Key[prefix.Length..];
                if (name.EndsWith(PackageFormat.Extension, StringComparison.Ordinal)
                    && PackageDigest.TryParse(PackageDigest.Prefix + name[..^PackageFormat.Extension.Length], out var digest))
                {
                    yield return digest;
                }
            }

            request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(PackageDigest digest, CancellationToken cancellationToken)
    {
        var key = KeyOf(digest);
        if (!_options.AllowDelete)
        {
            _logger.LogInformation(
                "Package {Digest} is no longer referenced by this host's index but stays in s3://{Bucket}/{Key}: other hosts may share it. Set AllowDelete on the one host that sees every reference to collect it.",
                digest, _options.Bucket, key);
            return;
        }

        try
        {
            await _client.DeleteObjectsAsync(
                new DeleteObjectsRequest
                {
                    BucketName = _options.Bucket,
                    Objects = [new KeyVersion { Key = PackageFormat.SignaturePathFor(key) }, new KeyVersion { Key = key }],
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            throw Failed($"deleting s3://{_options.Bucket}/{key}", ex);
        }
    }

    private async Task<bool> TryCopyRecentlyStoredAsync(PackageDigest digest, string target, CancellationToken cancellationToken)
    {
        if (!_recentlyStored.TryGetValue(digest.Hex, out var local))
        {
            return false;
        }

        var temp = Path.Combine(Path.GetDirectoryName(target)!, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.part");
        try
        {
            // Hash the copy, not the original, so what is handed over is what was checked.
            File.Copy(local, temp);
            if (await PackageDigest.ComputeFileAsync(temp, cancellationToken).ConfigureAwait(false) != digest)
            {
                _recentlyStored.TryRemove(digest.Hex, out _);
                return false;
            }

            File.Move(temp, target, overwrite: true);
            var signature = PackageFormat.SignaturePathFor(local);
            if (File.Exists(signature))
            {
                File.Copy(signature, PackageFormat.SignaturePathFor(target), overwrite: true);
            }
            else
            {
                File.Delete(PackageFormat.SignaturePathFor(target));
            }

            return true;
        }
        catch (IOException)
        {
            // The work folder went away meanwhile (the sync that stored it finished): read the bucket instead.
            _recentlyStored.TryRemove(digest.Hex, out _);
            return false;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private async Task UploadAsync(string key, string path, PackageDigest? digest, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            FilePath = path,
            ContentType = digest is null ? "application/octet-stream" : "application/zip",
            // aws-chunked framing would be stored as the body by S3-compatible servers that do not decode it.
            UseChunkEncoding = false,
        };
        if (digest is not null)
        {
            request.Metadata[DigestMetadata] = digest.Value;
        }

        try
        {
            await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            throw Failed($"uploading s3://{_options.Bucket}/{key}", ex);
        }
    }

    /// <summary>Downloads <paramref name="key"/> to <paramref name="path"/> atomically, checking <paramref name="digest"/> when given; false when there is no such object.</summary>
    private async Task<bool> DownloadAsync(string key, string path, PackageDigest? digest, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.part");
        try
        {
            using (var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = key }, cancellationToken).ConfigureAwait(false))
            await using (var body = response.ResponseStream)
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                var actual = PackageDigest.FromHash(hash.GetHashAndReset());
                if (digest is not null && actual != digest)
                {
                    throw new InvalidDataException(
                        $"{_options.Owner}: s3://{_options.Bucket}/{key} holds bytes with digest {actual}, not {digest}: the object was altered in the bucket. "
                        + "It is not used; delete the object and sync again to store the right package.");
                }
            }

            File.Move(temp, path, overwrite: true);
            return true;
        }
        catch (Exception ex) when (S3Failure.IsNotFound(ex))
        {
            return false;
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            throw Failed($"downloading s3://{_options.Bucket}/{key}", ex);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private IOException Failed(string action, Exception ex) => new(S3Failure.Describe(_options, action, ex), ex);
}

using System.Security.Cryptography;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.S3.Connection;
using Plugboard.Sources;
using Plugboard.Sources.Transport;

namespace Plugboard.Sources.S3;

/// <summary>
/// A bucket (or a prefix of one) of <c>.pbpkg</c> objects, each with an optional <c>.pbpkg.sig</c> beside it.
/// Every plugin set lists the objects under <c>{prefix}/{set path}/</c> (at any depth). A package's
/// fingerprint is its ETag and size (and its signature's ETag), which the sync records in the cache index,
/// so an object whose ETag is unchanged since the last sync is not downloaded again; only the listing is
/// requested. HTTPS only unless the source sets AllowInsecure.
/// </summary>
public sealed class S3Source : IPluginSource, IDisposable
{
    private readonly SourceOptions _options;
    private readonly S3ClientFactory _clients;
    private readonly ILogger _logger;
    private readonly DownloadBudget _downloads;
    private IAmazonS3? _client;

    /// <summary>Creates the source; <paramref name="options"/> must be valid for type <c>s3</c>.</summary>
    public S3Source(SourceOptions options, SourceContext context, S3ClientFactory clients)
    {
        _options = options;
        _clients = clients;
        _logger = context.LoggerFactory.CreateLogger<S3Source>();
        _downloads = context.Downloads;
        Sets = PluginSet.FromOptions(options);
        var errors = new List<string>();
        Settings = S3SourceSettings.Read(options, errors);
        ConfigurationErrors = errors;
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public IReadOnlyList<PluginSet> Sets { get; }

    /// <summary>The s3 settings of the source.</summary>
    public S3SourceSettings Settings { get; }

    private IReadOnlyList<string> ConfigurationErrors { get; }

    private S3ConnectionOptions Connection => Settings.Connection;

    /// <inheritdoc />
    public async Task<SourceListing> ListAsync(string workDirectory, CancellationToken cancellationToken)
    {
        // The validator runs before every sync; this guards sources created without it.
        var problems = ConfigurationErrors.Concat(Connection.Validate()).ToList();
        if (problems.Count > 0)
        {
            throw new SourceException(Name, string.Join(" ", problems));
        }

        if (!string.IsNullOrWhiteSpace(Connection.Endpoint))
        {
            TransportPolicy.WarnIfInsecure(_logger, _options, Connection.Endpoint);
        }

        var client = Client();
        var packages = new List<SourcePackage>();
        var requests = 0;
        using var revision = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var set in Sets)
        {
            var prefix = Connection.KeyFor(set.Path);
            prefix = prefix.Length == 0 ? string.Empty : prefix + "/";
            var objects = new Dictionary<string, S3Object>(StringComparer.Ordinal);
            var request = new ListObjectsV2Request { BucketName = Connection.Bucket, Prefix = prefix };
            do
            {
                ListObjectsV2Response response;
                try
                {
                    response = await client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
                {
                    throw new SourceException(Name, S3Failure.Describe(Connection, $"listing s3://{Connection.Bucket}/{prefix} (set '{set.Key}')", ex) + " The previous cache state is kept.", ex);
                }

                requests++;
                foreach (var item in response.S3Objects ?? [])
                {
                    objects[item.Key] = item;
                }

                request.ContinuationToken = response.IsTruncated == true ? response.NextContinuationToken : null;
            }
            while (request.ContinuationToken is not null);

            foreach (var (key, item) in objects.Where(o => o.Key.EndsWith(PackageFormat.Extension, StringComparison.Ordinal)).OrderBy(o => o.Key, StringComparer.Ordinal))
            {
                objects.TryGetValue(PackageFormat.SignaturePathFor(key), out var signature);
                var fingerprint = $"etag:{Tag(item.ETag)}:{item.Size}" + (signature is null ? string.Empty : $":sig:{Tag(signature.ETag)}");
                revision.AppendData(Encoding.UTF8.GetBytes($"{set.Key}\0{key}\0{fingerprint}\n"));
                var claimed = Settings.ClaimFromFileName && S3PackageFileName.TryParse(key[(key.LastIndexOf('/') + 1)..], out var id, out var version)
                    ? (Id: id, Version: version)
                    : (Id: (string?)null, Version: (string?)null);
                packages.Add(new S3Package(this, key, signature?.Key)
                {
                    SetKey = set.Key,
                    Origin = $"s3://{Connection.Bucket}/{key}",
                    Fingerprint = fingerprint,
                    ClaimedId = claimed.Id,
                    ClaimedVersion = claimed.Version,
                });
            }
        }

        return new SourceListing
        {
            Packages = packages,
            RemoteFetches = requests,
            Revision = "s3:" + Convert.ToHexStringLower(revision.GetHashAndReset())[..16],
        };
    }

    /// <inheritdoc />
    public void Dispose() => _client?.Dispose();

    private IAmazonS3 Client()
    {
        if (_client is null)
        {
            try
            {
                _client = _clients.Create(Connection);
            }
            catch (InvalidOperationException ex)
            {
                throw new SourceException(Name, ex.Message, ex);
            }
        }

        return _client;
    }

    private static string Tag(string? etag) => (etag ?? string.Empty).Trim('"');

    /// <summary>Streams an object into <paramref name="path"/>, bounded by <paramref name="maxBytes"/> and the sync's download budget; a refused or broken download is deleted at once.</summary>
    private async Task DownloadAsync(string key, string path, long maxBytes, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client().GetObjectAsync(new GetObjectRequest { BucketName = Connection.Bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            await using var body = response.ResponseStream;
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var url = $"s3://{Connection.Bucket}/{key}";
            await _downloads.CopyAsync(
                body,
                file,
                maxBytes,
                url,
                () => new SourceException(Name, $"Source '{Name}': {url} is larger than {DownloadBudget.Describe(maxBytes)}, more than it may be; refused."),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            TryDelete(path);
            throw new SourceException(Name, S3Failure.Describe(Connection, $"downloading s3://{Connection.Bucket}/{key}", ex) + " The previous cache state is kept; sync again.", ex);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }
    }

    private sealed class S3Package(S3Source source, string key, string? signatureKey) : SourcePackage
    {
        public override async Task FetchAsync(string packagePath, CancellationToken cancellationToken)
        {
            await source.DownloadAsync(key, packagePath, Plugboard.Packaging.ExtractionLimits.Default.MaxTotalSize, cancellationToken).ConfigureAwait(false);
            if (signatureKey is not null)
            {
                await source.DownloadAsync(signatureKey, PackageFormat.SignaturePathFor(packagePath), PackageSignature.MaxFileBytes, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

using Amazon.S3;
using Microsoft.Extensions.Options;
using Plugboard.Packaging;
using Plugboard.Server.Configuration;
using Plugboard.Server.Coordination;
using Plugboard.Sources.Cache;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3.Connection;

namespace Plugboard.Server.Catalog;

/// <summary>
/// The center's package cache: the same content-addressed cache Plugboard.Sources syncs into. By default all of it is
/// in <c>{data}/cache</c>. With <c>Plugboard:Cache:Type s3</c> the packages (by digest) and the index are in a bucket
/// the replicas share (and hosts may read), and <c>{data}/cache</c> keeps only what each replica extracted to run
/// and its lock file; a package uploaded through one replica is realized by another from the bucket.
/// </summary>
public sealed class CenterCache : IDisposable
{
    private readonly CenterCacheOptions _options;
    private readonly CacheIndexLock _indexLock;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly IAmazonS3? _client;
    private readonly S3BlobStore? _blobs;

    /// <summary>Creates the cache from the center's options; with S3 configured, the client is created (no request is sent until <see cref="StartAsync"/>).</summary>
    public CenterCache(IOptions<CenterOptions> options, CacheIndexLock indexLock, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options.Value.Cache;
        _indexLock = indexLock;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<CenterCache>();
        Directory = Path.Combine(options.Value.DataDirectory, "cache");
        if (_options.IsS3)
        {
            _options.S3.ShareIndex = true;
            _client = new S3ClientFactory().Create(_options.S3);
            _blobs = new S3BlobStore(_client, _options.S3, loggers.CreateLogger<S3BlobStore>());
        }
    }

    /// <summary>The local cache folder (everything with the default cache; extracted packages and the lock file with S3).</summary>
    public string Directory { get; }

    /// <summary>The cache's lock file: where synced and uploaded packages are locked to their digests.</summary>
    public string LockFile => Path.Combine(Directory, Plugboard.Sources.Configuration.PlugboardSourcesOptions.DefaultLockFileName);

    /// <summary>Whether the packages and the index are in a bucket shared by replicas.</summary>
    public bool IsShared => _client is not null;

    /// <summary>
    /// With S3: whether index writes are closed by conditional writes (the server refused a stale <c>If-Match</c> and an
    /// <c>If-None-Match: *</c> over an existing object at start) rather than by the store's lock. Null before
    /// <see cref="StartAsync"/> and with the default cache.
    /// </summary>
    public bool? ConditionalWrites { get; private set; }

    /// <summary>The cache (uploads, extraction, package downloads by hosts).</summary>
    public CacheStore Store => field ??= CreateStore();

    /// <summary>A cache view for one sync: with S3 its index writes apply only that sync's changes to the index in the bucket.</summary>
    public CacheStore CreateStore() => _client is null
        ? new CacheStore(Directory)
        : new CacheStore(Directory, _blobs, new SharedCacheIndex(OpenIndex, ConditionalWrites == true, _indexLock, IndexLockName, _time, _logger));

    private string IndexLockName => $"cache-index:{_options.S3.Bucket}/{_options.S3.KeyFor(_options.S3.IndexKey)}";

    /// <summary>
    /// With S3: checks the bucket can be written and whether it honours conditional writes (unless
    /// <c>ConditionalWrites: false</c>), and says in the log how index writes are closed and when transport is insecure.
    /// </summary>
    /// <exception cref="IOException">The bucket cannot be reached or written; the center does not start.</exception>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_client is null)
        {
            return;
        }

        var s3 = _options.S3;
        if (s3.AllowInsecure)
        {
            _logger.LogWarning(
                "The center's cache allows insecure transport (Plugboard:Cache:S3:AllowInsecure: true): {Endpoint} may be used without TLS, so packages could be altered in transit (every read is still checked against its digest). Remove AllowInsecure once the endpoint serves https.",
                s3.Endpoint);
        }

        if (s3.ConditionalWrites)
        {
            ConditionalWrites = await S3ConditionalWriteProbe.SupportsConditionalWritesAsync(_client, s3, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            ConditionalWrites = false;
        }

        // The index store reads this when it writes: no precondition headers for a server that ignores them.
        s3.ConditionalWrites = ConditionalWrites.Value;
        if (ConditionalWrites.Value)
        {
            _logger.LogInformation("The center's cache is on S3 ({Cache}); index writes are conditional (If-Match / If-None-Match), as the server honours them.", s3.ToString());
        }
        else
        {
            _logger.LogInformation(
                "The center's cache is on S3 ({Cache}); the server {Why}, so index writes are taken under the store's lock.",
                s3.ToString(), _options.S3.ConditionalWrites ? "ignores conditional writes (checked at start)" : "is not asked for conditional writes (ConditionalWrites: false)");
        }
    }

    /// <summary>The extracted folder of a package version, extracting it from its blob first when needed (downloaded from the bucket with S3, checked against its digest).</summary>
    public Task<string> ExtractAsync(string origin, string pluginId, string version, string digest, CancellationToken cancellationToken) =>
        Store.EnsureExtractedAsync(
            new CacheEntry { Source = origin, Set = string.Empty, Id = pluginId, Version = version, Digest = PackageDigest.Parse(digest).Value, Origin = origin, Fingerprint = digest, Included = true },
            cancellationToken);

    /// <summary>
    /// A local file holding the package with <paramref name="digest"/>: the blob itself with the default cache, a copy
    /// downloaded from the bucket (checked against the digest) with S3; null when the cache does not hold it.
    /// </summary>
    public async Task<string?> PackageFileAsync(PackageDigest digest, CancellationToken cancellationToken)
    {
        if (Store.Blobs.LocalPathOf(digest) is { } path)
        {
            return File.Exists(path) ? path : null;
        }

        var copy = Path.Combine(Directory, "downloads", digest.Hex + PackageFormat.Extension);
        if (File.Exists(copy) && await PackageDigest.ComputeFileAsync(copy, cancellationToken).ConfigureAwait(false) == digest)
        {
            return copy;
        }

        try
        {
            await Store.Blobs.CopyToAsync(digest, copy, cancellationToken).ConfigureAwait(false);
            return copy;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _client?.Dispose();

    private S3CacheIndexStore OpenIndex() => new(_client!, _options.S3, _loggers.CreateLogger<S3CacheIndexStore>());
}

using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Sources.Cache;
using Plugboard.Sources.S3.Connection;

namespace Plugboard.Sources.S3.Cache;

/// <summary>
/// The cache index as one JSON object in the bucket, shared by hosts with the same sources. A PUT replaces an
/// object atomically, so readers see the old or the new index. Writes are optimistic: the store remembers the
/// ETag it last read or wrote and refuses to write over an index another host changed since
/// (<see cref="S3IndexConflictException"/>): with <c>If-Match</c> where the server honours conditional writes
/// (AWS S3 does), and in any case by comparing the ETag just before the PUT. Without conditional writes that
/// comparison leaves a window of one request in which two writers can both succeed and the later one wins.
/// </summary>
public sealed class S3CacheIndexStore : ICacheIndexStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly IAmazonS3 _client;
    private readonly S3CacheOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();

    // What this store last saw in the bucket: null before the first read, "" when there was no index.
    private string? _knownETag;

    /// <summary>Creates the store over <paramref name="client"/> (not disposed by the store).</summary>
    public S3CacheIndexStore(IAmazonS3 client, S3CacheOptions options, ILogger<S3CacheIndexStore>? logger = null)
    {
        _client = client;
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Key = options.KeyFor(options.IndexKey);
    }

    /// <summary>The key of the index object.</summary>
    public string Key { get; }

    /// <inheritdoc />
    public async Task<CacheIndex> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _client.GetObjectAsync(new GetObjectRequest { BucketName = _options.Bucket, Key = Key }, cancellationToken).ConfigureAwait(false);
            await using var body = response.ResponseStream;
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
            var index = Parse(buffer.ToArray());
            Remember(response.ETag);
            return index;
        }
        catch (Exception ex) when (S3Failure.IsNotFound(ex))
        {
            Remember(string.Empty);
            return CacheIndex.Empty;
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            throw new IOException(S3Failure.Describe(_options, $"reading the cache index s3://{_options.Bucket}/{Key}", ex), ex);
        }
    }

    /// <inheritdoc />
    /// <exception cref="S3IndexConflictException">Another host changed the index since this store read it; nothing was written.</exception>
    public async Task WriteAsync(CacheIndex index, CancellationToken cancellationToken)
    {
        string? expected;
        lock (_gate)
        {
            expected = _knownETag;
        }

        // Never read (a blind write): the index as it is now is what gets replaced.
        var current = await CurrentETagAsync(cancellationToken).ConfigureAwait(false);
        expected ??= current;
        if (current != expected)
        {
            throw Conflict(expected, current, null);
        }

        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = Key,
            ContentBody = JsonSerializer.Serialize(index, Json),
            ContentType = "application/json",
            UseChunkEncoding = false,
        };
        if (_options.ConditionalWrites)
        {
            if (expected.Length == 0)
            {
                request.IfNoneMatch = "*";
            }
            else
            {
                request.IfMatch = Quoted(expected);
            }
        }

        try
        {
            var response = await _client.PutObjectAsync(request, cancellationToken).ConfigureAwait(false);
            Remember(response.ETag);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            throw Conflict(expected, null, ex);
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            throw new IOException(S3Failure.Describe(_options, $"writing the cache index s3://{_options.Bucket}/{Key}", ex), ex);
        }
    }

    private async Task<string> CurrentETagAsync(CancellationToken cancellationToken)
    {
        try
        {
            var metadata = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _options.Bucket, Key = Key }, cancellationToken).ConfigureAwait(false);
            return Unquoted(metadata.ETag);
        }
        catch (Exception ex) when (S3Failure.IsNotFound(ex))
        {
            return string.Empty;
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            throw new IOException(S3Failure.Describe(_options, $"checking the cache index s3://{_options.Bucket}/{Key}", ex), ex);
        }
    }

    private CacheIndex Parse(byte[] json)
    {
        CacheIndex? index;
        try
        {
            index = JsonSerializer.Deserialize<CacheIndex>(json, Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{_options.Owner}: cache index s3://{_options.Bucket}/{Key} is not valid JSON ({ex.Message}). It is only ever replaced whole, so something else wrote it: delete it and sync again.", ex);
        }

        if (index is null || index.Format != CacheIndex.CurrentFormat)
        {
            throw new InvalidDataException($"{_options.Owner}: cache index s3://{_options.Bucket}/{Key} has format {index?.Format}, this version reads format {CacheIndex.CurrentFormat}. Delete it and sync again.");
        }

        return index;
    }

    private void Remember(string? etag)
    {
        lock (_gate)
        {
            _knownETag = Unquoted(etag);
        }
    }

    private S3IndexConflictException Conflict(string expected, string? current, Exception? inner)
    {
        _logger.LogWarning("Cache index s3://{Bucket}/{Key} changed since it was read (another host wrote it); this write is refused.", _options.Bucket, Key);
        return new S3IndexConflictException(
            $"{_options.Owner}: the shared cache index s3://{_options.Bucket}/{Key} was changed by another host since this one read it "
            + $"(expected {(expected.Length == 0 ? "no index" : "ETag " + expected)}{(current is null ? string.Empty : ", found " + (current.Length == 0 ? "no index" : "ETag " + current))}). "
            + "Nothing was written; sync again to apply this host's changes to the newer index.",
            inner);
    }

    private static string Unquoted(string? etag) => (etag ?? string.Empty).Trim().Trim('"');

    private static string Quoted(string etag) => "\"" + etag + "\"";
}

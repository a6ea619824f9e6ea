using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Plugboard.Sources.S3.Connection;

namespace Plugboard.Sources.S3.Cache;

/// <summary>
/// Finds out whether a server honours conditional writes (<c>If-None-Match: *</c> and <c>If-Match</c> on PutObject),
/// by asking it rather than trusting its name: AWS S3 does since 2024, several S3-compatible servers accept the
/// headers and ignore them (s3rver 3.7 does), and a writer that relied on them there would lose index updates.
/// The probe writes one small object under the prefix (<c>.plugboard/conditional-write-probe</c>), tries to
/// overwrite it with each precondition false, and deletes it.
/// </summary>
public static class S3ConditionalWriteProbe
{
    /// <summary>The key of the probe object under the prefix.</summary>
    public const string ProbeKey = ".plugboard/conditional-write-probe";

    /// <summary>
    /// Whether the server refuses (412) both a PutObject with <c>If-None-Match: *</c> over an existing object and one with
    /// an <c>If-Match</c> that does not match; false when it writes either.
    /// </summary>
    /// <exception cref="IOException">The bucket could not be written; the message says where and what to do.</exception>
    public static async Task<bool> SupportsConditionalWritesAsync(IAmazonS3 client, S3CacheOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        var key = options.KeyFor(ProbeKey);
        try
        {
            await PutAsync(client, options, key, "probe", null, cancellationToken).ConfigureAwait(false);
            var refusesCreateOverExisting = await RefusedAsync(() => PutAsync(client, options, key, "if-none-match", r => r.IfNoneMatch = "*", cancellationToken)).ConfigureAwait(false);
            var refusesStaleMatch = await RefusedAsync(() => PutAsync(client, options, key, "if-match", r => r.IfMatch = "\"00000000000000000000000000000000\"", cancellationToken)).ConfigureAwait(false);
            return refusesCreateOverExisting && refusesStaleMatch;
        }
        catch (Exception ex) when (S3Failure.IsTransport(ex, cancellationToken))
        {
            throw new IOException(S3Failure.Describe(options, $"checking whether s3://{options.Bucket}/{key} can be written conditionally", ex), ex);
        }
        finally
        {
            try
            {
                await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = options.Bucket, Key = key }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (S3Failure.IsTransport(ex, CancellationToken.None))
            {
                // Left behind: a few bytes the next probe overwrites.
            }
        }
    }

    private static async Task<bool> RefusedAsync(Func<Task> put)
    {
        try
        {
            await put().ConfigureAwait(false);
            return false;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return true;
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode is HttpStatusCode.NotImplemented or HttpStatusCode.BadRequest)
        {
            return false; // the server does not know the header: it does not honour it either
        }
    }

    private static Task PutAsync(IAmazonS3 client, S3CacheOptions options, string key, string body, Action<PutObjectRequest>? condition, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = options.Bucket,
            Key = key,
            ContentBody = body,
            ContentType = "text/plain",
            UseChunkEncoding = false,
        };
        condition?.Invoke(request);
        return client.PutObjectAsync(request, cancellationToken);
    }
}

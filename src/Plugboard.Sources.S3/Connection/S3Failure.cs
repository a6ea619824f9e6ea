using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace Plugboard.Sources.S3.Connection;

/// <summary>Turns SDK exceptions into messages that say what failed, where, and what to do.</summary>
internal static class S3Failure
{
    /// <summary>Whether <paramref name="ex"/> is a failure of S3 or of the way to it (not a bug, not a cancellation).</summary>
    public static bool IsTransport(Exception ex, CancellationToken cancellationToken)
        => ex is AmazonServiceException or AmazonClientException or HttpRequestException or HttpIOException
            || ex is IOException { InnerException: System.Net.Sockets.SocketException }
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>Whether the request found no such object.</summary>
    public static bool IsNotFound(Exception ex)
        => ex is AmazonS3Exception s3 && s3.StatusCode == HttpStatusCode.NotFound && s3.ErrorCode != "NoSuchBucket";

    /// <summary>A message for a failed <paramref name="action"/> (e.g. <c>listing s3://bucket/prefix</c>).</summary>
    public static string Describe(S3ConnectionOptions options, string action, Exception ex)
    {
        var f = options.FieldPrefix;
        if (ex is AmazonS3Exception s3)
        {
            var code = s3.ErrorCode ?? ((int)s3.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return code switch
            {
                "NoSuchBucket" => $"{options.Owner}: bucket '{options.Bucket}' does not exist{At(options)} ({action}). Create the bucket or fix {f}Bucket.",
                "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" or "AuthorizationHeaderMalformed"
                    => $"{options.Owner}: {At(options).TrimStart()} refused the credentials ({code}) while {action}. Check the credentials ({options.DescribeCredentials()}) and {f}Region.",
                "AccessDenied" or "AllAccessDisabled"
                    => $"{options.Owner}: access denied while {action} ({code}). Grant the credentials ({options.DescribeCredentials()}) s3:ListBucket and s3:GetObject (and s3:PutObject for a cache) on bucket '{options.Bucket}'.",
                "PermanentRedirect" or "AuthorizationHeaderMalformedRegion"
                    => $"{options.Owner}: bucket '{options.Bucket}' is in another region than '{options.Region}' ({code}) while {action}. Fix {f}Region.",
                _ => $"{options.Owner}: S3 answered {(int)s3.StatusCode} {code} while {action}: {s3.Message}",
            };
        }

        if (ex is OperationCanceledException)
        {
            return $"{options.Owner}: {action} did not finish within {options.Timeout}; raise Timeout or check the endpoint.";
        }

        var inner = Innermost(ex);
        var hint = inner is System.Security.Authentication.AuthenticationException
            ? " The endpoint's certificate is not trusted: give the CA that issued it in CaBundle (a PEM file)."
            : " Check the endpoint and that the server is reachable.";
        return $"{options.Owner}: cannot reach S3{At(options)} while {action} ({inner.Message}).{hint}";
    }

    private static string At(S3ConnectionOptions options)
        => string.IsNullOrWhiteSpace(options.Endpoint) ? $" in AWS region {options.Region}" : $" at {options.Endpoint}";

    private static Exception Innermost(Exception ex)
    {
        var current = ex;
        while (current.InnerException is not null && current is not System.Security.Authentication.AuthenticationException)
        {
            current = current.InnerException;
        }

        return current;
    }
}

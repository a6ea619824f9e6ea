using System.Text.RegularExpressions;

namespace Plugboard.Sources.S3.Connection;

/// <summary>
/// How to reach a bucket: the endpoint (AWS when empty), region, bucket, key prefix, addressing style,
/// transport policy and where the credentials are read from. Secrets never appear here, only the names
/// of the environment variables or files holding them.
/// </summary>
public partial class S3ConnectionOptions
{
    /// <summary>The environment variable read for the access key id when none is named.</summary>
    public const string DefaultAccessKeyEnv = "AWS_ACCESS_KEY_ID";

    /// <summary>The environment variable read for the secret access key when none is named.</summary>
    public const string DefaultSecretKeyEnv = "AWS_SECRET_ACCESS_KEY";

    /// <summary>The region signed for when an <see cref="Endpoint"/> is given without a <see cref="Region"/>.</summary>
    public const string DefaultRegion = "us-east-1";

    /// <summary>
    /// The URL of an S3-compatible server (<c>https://minio.example.com:9000</c>); empty for AWS S3, whose
    /// endpoint follows from <see cref="Region"/>. <c>http://</c> needs <see cref="AllowInsecure"/>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The region (<c>eu-west-1</c>). Required for AWS; default <c>us-east-1</c> with an <see cref="Endpoint"/>.</summary>
    public string? Region { get; set; }

    /// <summary>The bucket. Required.</summary>
    public string Bucket { get; set; } = string.Empty;

    /// <summary>The key prefix everything lives under (<c>plugins/prod</c>); empty for the bucket root.</summary>
    public string? Prefix { get; set; }

    /// <summary>
    /// Whether to address the bucket in the path (<c>https://host/bucket/key</c>) instead of the host name
    /// (<c>https://bucket.host/key</c>). Default: true with an <see cref="Endpoint"/> (what S3-compatible
    /// servers expect), false for AWS.
    /// </summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>Allows an <c>http://</c> endpoint. Every use is logged as a warning. Default false: HTTPS only.</summary>
    public bool AllowInsecure { get; set; }

    /// <summary>A PEM file of CA certificates trusted for the endpoint's certificate, instead of the system store.</summary>
    public string? CaBundle { get; set; }

    /// <summary>Where the credentials come from. Default <see cref="S3CredentialMode.Keys"/>.</summary>
    public S3CredentialMode Credentials { get; set; } = S3CredentialMode.Keys;

    /// <summary>The environment variable holding the access key id (default <c>AWS_ACCESS_KEY_ID</c> unless <see cref="AccessKeyFile"/> is given).</summary>
    public string? AccessKeyEnv { get; set; }

    /// <summary>The file holding the access key id (surrounding white space ignored), e.g. a mounted secret.</summary>
    public string? AccessKeyFile { get; set; }

    /// <summary>The environment variable holding the secret access key (default <c>AWS_SECRET_ACCESS_KEY</c> unless <see cref="SecretKeyFile"/> is given).</summary>
    public string? SecretKeyEnv { get; set; }

    /// <summary>The file holding the secret access key (surrounding white space ignored).</summary>
    public string? SecretKeyFile { get; set; }

    /// <summary>The environment variable holding a session token, for temporary credentials.</summary>
    public string? SessionTokenEnv { get; set; }

    /// <summary>The file holding a session token, for temporary credentials.</summary>
    public string? SessionTokenFile { get; set; }

    /// <summary>The access key id given in memory (an s3 source's <c>accessKeyId</c> secret); never logged.</summary>
    internal string? GivenAccessKeyId { get; set; }

    /// <summary>The secret access key given in memory (an s3 source's <c>secretAccessKey</c> secret); never logged.</summary>
    internal string? GivenSecretAccessKey { get; set; }

    /// <summary>Whether the keys were given in memory.</summary>
    internal bool HasGivenKeys => GivenAccessKeyId is not null || GivenSecretAccessKey is not null;

    /// <summary>How long one request may take. Default 5 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Who these options belong to, for messages (<c>Source 'plugins'</c>, <c>S3 cache</c>).</summary>
    internal string Owner { get; set; } = "S3 cache";

    /// <summary>How fields are named in messages (<c>Settings:</c> for a source, nothing for the cache options).</summary>
    internal string FieldPrefix { get; set; } = string.Empty;

    /// <summary>The addressing style in force.</summary>
    public bool ResolvedForcePathStyle => ForcePathStyle ?? !string.IsNullOrWhiteSpace(Endpoint);

    /// <summary>The prefix without leading or trailing slashes; empty for the bucket root.</summary>
    public string NormalizedPrefix => (Prefix ?? string.Empty).Replace('\\', '/').Trim().Trim('/');

    /// <summary>Where the objects are, for messages: <c>s3://bucket/prefix</c> and the endpoint when not AWS.</summary>
    public string Location => $"s3://{Bucket}/{NormalizedPrefix}{(string.IsNullOrWhiteSpace(Endpoint) ? string.Empty : $" at {Endpoint}")}";

    /// <summary>The key for <paramref name="relative"/> under the prefix.</summary>
    public string KeyFor(string relative)
    {
        var prefix = NormalizedPrefix;
        var path = relative.Trim('/');
        return prefix.Length == 0 ? path : path.Length == 0 ? prefix : prefix + "/" + path;
    }

    /// <summary>Every problem of these options; empty when they are valid. Each message names the owner and the field.</summary>
    public virtual IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        var label = Owner;
        var f = FieldPrefix;
        if (string.IsNullOrWhiteSpace(Bucket))
        {
            errors.Add($"{label}: {f}Bucket is required (the bucket holding the packages).");
        }
        else if (!BucketName().IsMatch(Bucket))
        {
            errors.Add($"{label}: {f}Bucket '{Bucket}' is not a valid bucket name (3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit).");
        }

        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            if (string.IsNullOrWhiteSpace(Region))
            {
                errors.Add($"{label}: {f}Region is required for AWS S3 (e.g. eu-west-1); or give {f}Endpoint for an S3-compatible server.");
            }
        }
        else if (CheckEndpoint() is { } problem)
        {
            errors.Add(problem);
        }

        if (NormalizedPrefix.Split('/').Any(p => p == ".."))
        {
            errors.Add($"{label}: {f}Prefix '{Prefix}' must not contain '..'.");
        }

        if (Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{label}: Timeout must be positive.");
        }

        if (!string.IsNullOrWhiteSpace(CaBundle) && !File.Exists(CaBundle))
        {
            errors.Add($"{label}: CaBundle '{Path.GetFullPath(CaBundle)}' does not exist; give a PEM file of CA certificates.");
        }

        if (!Enum.IsDefined(Credentials))
        {
            errors.Add($"{label}: {f}Credentials must be keys, sdk or anonymous.");
        }

        Pair(AccessKeyEnv, AccessKeyFile, "AccessKeyEnv", "AccessKeyFile");
        Pair(SecretKeyEnv, SecretKeyFile, "SecretKeyEnv", "SecretKeyFile");
        Pair(SessionTokenEnv, SessionTokenFile, "SessionTokenEnv", "SessionTokenFile");
        if (HasGivenKeys)
        {
            if (GivenAccessKeyId is null || GivenSecretAccessKey is null)
            {
                errors.Add($"{label}: an access key id and a secret access key are given together; only the {(GivenAccessKeyId is null ? "secret access key" : "access key id")} was given.");
            }

            if (HasKeySettings)
            {
                errors.Add($"{label}: the keys are given in memory; remove {f}AccessKey*/SecretKey*/SessionToken*.");
            }

            if (Credentials != S3CredentialMode.Keys)
            {
                errors.Add($"{label}: the keys are given in memory, so {f}Credentials must be keys (it is {Credentials.ToString().ToLowerInvariant()}).");
            }
        }

        if (Credentials != S3CredentialMode.Keys && HasKeySettings)
        {
            errors.Add($"{label}: {f}AccessKey*/SecretKey*/SessionToken* are only read with {f}Credentials: keys (it is {Credentials.ToString().ToLowerInvariant()}); remove them or the Credentials setting.");
        }

        return errors;

        void Pair(string? env, string? file, string envName, string fileName)
        {
            if (!string.IsNullOrWhiteSpace(env) && !string.IsNullOrWhiteSpace(file))
            {
                errors.Add($"{label}: give {f}{envName} or {f}{fileName}, not both.");
            }
        }
    }

    /// <summary>Why <see cref="Endpoint"/> may not be used, or null when it may (same policy as the http and git sources).</summary>
    internal string? CheckEndpoint()
    {
        var f = FieldPrefix;
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            return null;
        }

        if (!Uri.TryCreate(Endpoint.Trim(), UriKind.Absolute, out var uri))
        {
            return $"{Owner}: {f}Endpoint '{Endpoint}' is not an absolute URL; use https://host:port.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"{Owner}: {f}Endpoint must not carry credentials; name the environment variables or files holding them in {f}AccessKeyEnv/AccessKeyFile and {f}SecretKeyEnv/SecretKeyFile.";
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            return AllowInsecure
                ? null
                : $"{Owner}: {f}Endpoint '{uri}' uses http://, which is refused: use https://, or set AllowInsecure: true {(FieldPrefix.Length > 0 ? "for this source" : "for the S3 cache")} if you accept unencrypted, unauthenticated transfers.";
        }

        return $"{Owner}: {f}Endpoint '{uri}' uses '{uri.Scheme}://'; only https:// (or http:// with AllowInsecure) is supported.";
    }

    private bool HasKeySettings => new[] { AccessKeyEnv, AccessKeyFile, SecretKeyEnv, SecretKeyFile, SessionTokenEnv, SessionTokenFile }.Any(s => !string.IsNullOrWhiteSpace(s));

    /// <summary>Where the credentials are read from, never what they are.</summary>
    public string DescribeCredentials() => Credentials switch
    {
        S3CredentialMode.Sdk => "AWS SDK default chain",
        S3CredentialMode.Anonymous => "anonymous",
        _ when HasGivenKeys => "access key and secret given in memory (redacted)",
        _ => $"access key from {Where(AccessKeyEnv, AccessKeyFile, DefaultAccessKeyEnv)}, secret from {Where(SecretKeyEnv, SecretKeyFile, DefaultSecretKeyEnv)}"
            + (string.IsNullOrWhiteSpace(SessionTokenEnv) && string.IsNullOrWhiteSpace(SessionTokenFile) ? string.Empty : $", session token from {Where(SessionTokenEnv, SessionTokenFile, "-")}")
            + " (redacted)",
    };

    /// <summary>Describes the connection without secrets.</summary>
    public override string ToString()
        => $"{Location}{(string.IsNullOrWhiteSpace(Region) ? string.Empty : $", region {Region}")}{(ResolvedForcePathStyle ? ", path-style" : string.Empty)}{(AllowInsecure ? ", insecure allowed" : string.Empty)}, credentials: {DescribeCredentials()}";

    private static string Where(string? env, string? file, string defaultEnv)
        => !string.IsNullOrWhiteSpace(file) ? $"file {file}" : $"env {(string.IsNullOrWhiteSpace(env) ? defaultEnv : env)}";

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}

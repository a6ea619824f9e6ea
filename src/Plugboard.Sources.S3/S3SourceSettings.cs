using Plugboard.Sources.Configuration;
using Plugboard.Sources.S3.Connection;

namespace Plugboard.Sources.S3;

/// <summary>
/// The <c>s3</c> settings of a source, read from <see cref="SourceOptions.Settings"/> (keys ignore case):
/// <c>endpoint</c>, <c>region</c>, <c>bucket</c>, <c>prefix</c>, <c>forcePathStyle</c>, <c>credentials</c>
/// (<c>keys</c> | <c>sdk</c> | <c>anonymous</c>), <c>accessKeyEnv</c>/<c>accessKeyFile</c>,
/// <c>secretKeyEnv</c>/<c>secretKeyFile</c>, <c>sessionTokenEnv</c>/<c>sessionTokenFile</c> and
/// <c>claimFromFileName</c>; or the keys given in memory as the secrets <see cref="AccessKeyIdSecret"/> and
/// <see cref="SecretAccessKeySecret"/>. <see cref="SourceOptions.AllowInsecure"/>, <see cref="SourceOptions.CaBundle"/> and
/// <see cref="SourceOptions.Timeout"/> apply as for the other sources.
/// </summary>
public sealed class S3SourceSettings
{
    /// <summary>The in-memory secret (<see cref="SourceCredentialOptions.SetSecret"/>) holding the access key id.</summary>
    public const string AccessKeyIdSecret = "accessKeyId";

    /// <summary>The in-memory secret (<see cref="SourceCredentialOptions.SetSecret"/>) holding the secret access key.</summary>
    public const string SecretAccessKeySecret = "secretAccessKey";

    /// <summary>Every setting key the s3 type reads.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        "endpoint", "region", "bucket", "prefix", "forcePathStyle", "credentials",
        "accessKeyEnv", "accessKeyFile", "secretKeyEnv", "secretKeyFile", "sessionTokenEnv", "sessionTokenFile",
        "claimFromFileName",
    ];

    /// <summary>How to reach the bucket.</summary>
    public required S3ConnectionOptions Connection { get; init; }

    /// <summary>
    /// Whether an object named like <c>{id}-{version}.pbpkg</c> (what <c>plugboard pack</c> writes) is taken
    /// to hold that plugin and version before it is downloaded, so packages outside a set's plugins or
    /// versions are never downloaded; the manifest must then agree. Default true.
    /// </summary>
    public bool ClaimFromFileName { get; init; } = true;

    /// <summary>Reads the settings of <paramref name="source"/>, adding every problem to <paramref name="errors"/>.</summary>
    public static S3SourceSettings Read(SourceOptions source, ICollection<string> errors)
    {
        var label = $"Source '{source.Name}'";
        var settings = new Dictionary<string, string>(source.Settings, StringComparer.OrdinalIgnoreCase);
        foreach (var key in settings.Keys.Where(k => !Keys.Contains(k, StringComparer.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            var near = Keys.FirstOrDefault(k => k.StartsWith(key[..Math.Min(3, key.Length)], StringComparison.OrdinalIgnoreCase));
            errors.Add($"{label}: Settings:{key} is not an s3 setting{(near is null ? string.Empty : $" (did you mean '{near}'?)")}; known: {string.Join(", ", Keys)}.");
        }

        var connection = new S3ConnectionOptions
        {
            Owner = label,
            FieldPrefix = "Settings:",
            Endpoint = Get("endpoint"),
            Region = Get("region"),
            Bucket = Get("bucket") ?? string.Empty,
            Prefix = Get("prefix"),
            ForcePathStyle = Bool("forcePathStyle"),
            AllowInsecure = source.AllowInsecure,
            CaBundle = source.CaBundle,
            Timeout = source.Timeout,
            AccessKeyEnv = Get("accessKeyEnv"),
            AccessKeyFile = Get("accessKeyFile"),
            SecretKeyEnv = Get("secretKeyEnv"),
            SecretKeyFile = Get("secretKeyFile"),
            SessionTokenEnv = Get("sessionTokenEnv"),
            SessionTokenFile = Get("sessionTokenFile"),
            GivenAccessKeyId = source.Credentials.GetSecret(AccessKeyIdSecret),
            GivenSecretAccessKey = source.Credentials.GetSecret(SecretAccessKeySecret),
        };

        if (Get("credentials") is { } mode)
        {
            if (Enum.TryParse<S3CredentialMode>(mode, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(mode, out _))
            {
                connection.Credentials = parsed;
            }
            else
            {
                errors.Add($"{label}: Settings:credentials '{mode}' must be keys (access key and secret from env or files), sdk (the AWS SDK's default chain) or anonymous.");
            }
        }

        return new S3SourceSettings { Connection = connection, ClaimFromFileName = Bool("claimFromFileName") ?? true };

        string? Get(string key) => settings.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        bool? Bool(string key)
        {
            if (Get(key) is not { } text)
            {
                return null;
            }

            if (bool.TryParse(text, out var value))
            {
                return value;
            }

            errors.Add($"{label}: Settings:{key} '{text}' must be true or false.");
            return null;
        }
    }

    /// <summary>Every problem of the type-specific options of an s3 source.</summary>
    public static void Validate(SourceOptions source, ICollection<string> errors)
    {
        var settings = Read(source, errors);
        foreach (var error in settings.Connection.Validate())
        {
            errors.Add(error);
        }

        var label = $"Source '{source.Name}'";
        if (!string.IsNullOrWhiteSpace(source.Url))
        {
            errors.Add($"{label}: Url is not used by type 's3'; give Settings:bucket, Settings:prefix and, for an S3-compatible server, Settings:endpoint.");
        }

        if (!string.IsNullOrWhiteSpace(source.Path))
        {
            errors.Add($"{label}: Path is not used by type 's3'; give the key prefix as Settings:prefix and sub-paths as Sets[]:Path.");
        }

        if (!string.IsNullOrWhiteSpace(source.Ref))
        {
            errors.Add($"{label}: Ref is only for git sources; pin s3 packages with Sets[]:Version.");
        }

        if (source.Credentials.HasToken || !string.IsNullOrWhiteSpace(source.Credentials.Username))
        {
            errors.Add($"{label}: Credentials:TokenEnv/TokenFile/Username are not used by type 's3'; name the key variables or files in Settings:accessKeyEnv/accessKeyFile and Settings:secretKeyEnv/secretKeyFile.");
        }
    }
}

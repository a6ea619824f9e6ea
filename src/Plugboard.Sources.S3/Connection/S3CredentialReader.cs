using Amazon.Runtime;

namespace Plugboard.Sources.S3.Connection;

/// <summary>Reads the credentials an <see cref="S3ConnectionOptions"/> names; values are never logged nor put in messages.</summary>
internal static class S3CredentialReader
{
    /// <summary>The credentials to sign with; null means the SDK's default chain.</summary>
    /// <exception cref="InvalidOperationException">A variable or file named is missing or empty; the message names it and the owner.</exception>
    public static AWSCredentials? Read(S3ConnectionOptions options)
    {
        switch (options.Credentials)
        {
            case S3CredentialMode.Sdk:
                return null;
            case S3CredentialMode.Anonymous:
                return new AnonymousAWSCredentials();
        }

        if (options.GivenAccessKeyId is { } givenId && options.GivenSecretAccessKey is { } givenSecret)
        {
            return new BasicAWSCredentials(givenId, givenSecret);
        }

        var accessKey = ReadValue(options, options.AccessKeyEnv, options.AccessKeyFile, S3ConnectionOptions.DefaultAccessKeyEnv, "AccessKey", "the access key id")!;
        var secretKey = ReadValue(options, options.SecretKeyEnv, options.SecretKeyFile, S3ConnectionOptions.DefaultSecretKeyEnv, "SecretKey", "the secret access key")!;
        var sessionToken = ReadValue(options, options.SessionTokenEnv, options.SessionTokenFile, null, "SessionToken", "the session token");
        return sessionToken is null ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, sessionToken);
    }

    private static string? ReadValue(S3ConnectionOptions options, string? env, string? file, string? defaultEnv, string field, string what)
    {
        var f = options.FieldPrefix;
        if (!string.IsNullOrWhiteSpace(file))
        {
            var path = Path.GetFullPath(file);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"{options.Owner}: file '{path}' named by {f}{field}File (holding {what}) does not exist.");
            }

            var text = File.ReadAllText(path).Trim();
            return text.Length > 0
                ? text
                : throw new InvalidOperationException($"{options.Owner}: file '{path}' named by {f}{field}File (holding {what}) is empty.");
        }

        var name = string.IsNullOrWhiteSpace(env) ? defaultEnv : env.Trim();
        if (name is null)
        {
            return null;
        }

        var value = Environment.GetEnvironmentVariable(name);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value.Trim();
        }

        var named = string.IsNullOrWhiteSpace(env)
            ? $"(read by default; name another with {f}{field}Env or a file with {f}{field}File, or use {f}Credentials: sdk or anonymous)"
            : $"named by {f}{field}Env";
        throw new InvalidOperationException($"{options.Owner}: environment variable '{name}' {named} is not set or empty. Set it to {what}.");
    }
}

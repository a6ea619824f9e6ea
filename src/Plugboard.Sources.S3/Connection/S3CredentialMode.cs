namespace Plugboard.Sources.S3.Connection;

/// <summary>Where the credentials of an S3 connection come from.</summary>
public enum S3CredentialMode
{
    /// <summary>
    /// An access key id and secret read from environment variables or files named in the options (default
    /// variables <c>AWS_ACCESS_KEY_ID</c> and <c>AWS_SECRET_ACCESS_KEY</c>), with an optional session token.
    /// </summary>
    Keys,

    /// <summary>The AWS SDK's default chain: profiles, web identity, container and instance roles.</summary>
    Sdk,

    /// <summary>No credentials: requests are unsigned (a public bucket).</summary>
    Anonymous,
}

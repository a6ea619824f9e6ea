namespace Plugboard.Sources.Configuration;

/// <summary>
/// Where a source's credentials are read from. Secrets are never written in configuration: only the name of
/// an environment variable or the path of a file holding them, read at each sync and never logged.
/// </summary>
public sealed class SourceCredentialOptions
{
    /// <summary>The environment variable holding the token.</summary>
    public string? TokenEnv { get; set; }

    /// <summary>The file holding the token: one line (one trailing newline and surrounding spaces are ignored; control characters are refused).</summary>
    public string? TokenFile { get; set; }

    /// <summary>
    /// When set, the token is sent as the password of HTTP Basic authentication for this user name (what
    /// most git hosts want for access tokens); otherwise it is sent as <c>Authorization: Bearer</c>.
    /// </summary>
    public string? Username { get; set; }

    /// <summary>Whether a token is configured.</summary>
    public bool HasToken => !string.IsNullOrWhiteSpace(TokenEnv) || !string.IsNullOrWhiteSpace(TokenFile);

    /// <summary>Says where the token comes from, never what it is.</summary>
    public override string ToString()
        => !HasToken ? "none"
            : !string.IsNullOrWhiteSpace(TokenEnv) ? $"token from env {TokenEnv} (redacted)"
            : $"token from file {TokenFile} (redacted)";
}

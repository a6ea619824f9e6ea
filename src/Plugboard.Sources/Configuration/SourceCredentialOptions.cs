namespace Plugboard.Sources.Configuration;

/// <summary>
/// Where a source's credentials are read from. Secrets are never written in configuration: only the name of
/// an environment variable or the path of a file holding them, read at each sync and never logged. A program
/// that keeps secrets itself (a plugin center decrypting what it stored) gives them in memory with
/// <see cref="SetSecret"/> instead; configuration cannot bind those.
/// </summary>
public sealed class SourceCredentialOptions
{
    /// <summary>The name of the in-memory secret that is the token of a <c>git</c> or <c>http</c> source.</summary>
    public const string TokenSecret = "token";

    private readonly Dictionary<string, string> _secrets = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The environment variable holding the token.</summary>
    public string? TokenEnv { get; set; }

    /// <summary>The file holding the token: one line (one trailing newline and surrounding spaces are ignored; control characters are refused).</summary>
    public string? TokenFile { get; set; }

    /// <summary>
    /// When set, the token is sent as the password of HTTP Basic authentication for this user name (what
    /// most git hosts want for access tokens); otherwise it is sent as <c>Authorization: Bearer</c>.
    /// </summary>
    public string? Username { get; set; }

    /// <summary>Whether a token is configured, by name or in memory.</summary>
    public bool HasToken => !string.IsNullOrWhiteSpace(TokenEnv) || !string.IsNullOrWhiteSpace(TokenFile) || GetSecret(TokenSecret) is not null;

    /// <summary>The names of the secrets given in memory (never their values).</summary>
    public IReadOnlyCollection<string> SecretNames => _secrets.Keys;

    /// <summary>
    /// Gives the secret <paramref name="name"/> in memory: <see cref="TokenSecret"/> for git and http sources, or a name
    /// another source type reads (s3: <c>accessKeyId</c>, <c>secretAccessKey</c>). It is held only by this object,
    /// never logged and never written by the sources; an empty value removes it.
    /// </summary>
    public void SetSecret(string name, string? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (string.IsNullOrEmpty(value))
        {
            _secrets.Remove(name);
        }
        else
        {
            _secrets[name] = value;
        }
    }

    /// <summary>The secret given in memory as <paramref name="name"/>, or null.</summary>
    public string? GetSecret(string name) => _secrets.TryGetValue(name, out var value) ? value : null;

    /// <summary>Says where the token comes from, never what it is.</summary>
    public override string ToString()
        => !HasToken ? (_secrets.Count > 0 ? $"{string.Join(", ", _secrets.Keys.Order(StringComparer.Ordinal))} given in memory (redacted)" : "none")
            : !string.IsNullOrWhiteSpace(TokenEnv) ? $"token from env {TokenEnv} (redacted)"
            : !string.IsNullOrWhiteSpace(TokenFile) ? $"token from file {TokenFile} (redacted)"
            : "token given in memory (redacted)";
}

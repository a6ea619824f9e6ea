using Plugboard.Sources.Configuration;

namespace Plugboard.Sources.Transport;

/// <summary>Reads a source's token given in memory, or from the environment variable or file its options name; the value is never logged.</summary>
public static class SourceToken
{
    /// <summary>The token, or null when the source has none configured.</summary>
    /// <exception cref="Sources.SourceException">
    /// The variable or file named is missing or empty, or the token holds control characters (a line break would
    /// let it write header lines of its own); the message names the source and where the token comes from, never a value.
    /// </exception>
    public static string? Read(SourceOptions source)
    {
        var (value, where) = ReadRaw(source);
        if (value is null)
        {
            return null;
        }

        if (Problem(source, value, where) is { } problem)
        {
            throw new Sources.SourceException(source.Name, problem);
        }

        return Clean(value);
    }

    /// <summary>
    /// Why the configured token cannot be used, or null when it can or cannot be read yet (a missing variable or file is
    /// reported at sync). For the options validator, so a token that would inject header lines is refused at start-up.
    /// </summary>
    public static string? CheckConfigured(SourceOptions source)
    {
        try
        {
            var (value, where) = ReadRaw(source);
            return value is null ? null : Problem(source, value, where);
        }
        catch (Sources.SourceException)
        {
            return null;
        }
    }

    /// <summary>The HTTP <c>Authorization</c> header value for a token: Basic with the configured user name, else Bearer.</summary>
    public static string AuthorizationValue(SourceOptions source, string token)
        => string.IsNullOrWhiteSpace(source.Credentials.Username)
            ? "Bearer " + token
            : "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(source.Credentials.Username + ":" + token));

    private static (string? Value, string Where) ReadRaw(SourceOptions source)
    {
        var credentials = source.Credentials;
        if (credentials.GetSecret(SourceCredentialOptions.TokenSecret) is { } given)
        {
            return (given, "the token given in memory");
        }

        if (!string.IsNullOrWhiteSpace(credentials.TokenEnv))
        {
            var value = Environment.GetEnvironmentVariable(credentials.TokenEnv);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new Sources.SourceException(source.Name, $"Source '{source.Name}': environment variable '{credentials.TokenEnv}' named by Credentials:TokenEnv is not set or empty. Set it to the access token.");
            }

            return (value, $"environment variable '{credentials.TokenEnv}' (Credentials:TokenEnv)");
        }

        if (!string.IsNullOrWhiteSpace(credentials.TokenFile))
        {
            var path = Path.GetFullPath(credentials.TokenFile);
            if (!File.Exists(path))
            {
                throw new Sources.SourceException(source.Name, $"Source '{source.Name}': token file '{path}' named by Credentials:TokenFile does not exist.");
            }

            var value = File.ReadAllText(path);
            if (Clean(value).Length == 0)
            {
                throw new Sources.SourceException(source.Name, $"Source '{source.Name}': token file '{path}' named by Credentials:TokenFile is empty.");
            }

            return (value, $"token file '{path}' (Credentials:TokenFile)");
        }

        return (null, string.Empty);
    }

    private static string? Problem(SourceOptions source, string value, string where)
        => Clean(value).Any(char.IsControl)
            ? $"Source '{source.Name}': the token in {where} holds control characters (a line break inside it?). It is refused: sent as a header it could add header lines of its own. Keep the token on one line; one trailing newline is allowed."
            : null;

    // One trailing newline (which editors add) and surrounding spaces are not part of the token; anything else is.
    private static string Clean(string value)
    {
        var text = value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2]
            : value.EndsWith('\n') ? value[..^1]
            : value;
        return text.Trim(' ');
    }
}

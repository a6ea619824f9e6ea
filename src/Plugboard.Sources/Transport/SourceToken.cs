using Plugboard.Sources.Configuration;

namespace Plugboard.Sources.Transport;

/// <summary>Reads a source's token from the environment variable or file its options name; the value is never logged.</summary>
public static class SourceToken
{
    /// <summary>The token, or null when the source has none configured.</summary>
    /// <exception cref="InvalidOperationException">The variable or file named is missing or empty; the message names it, never a value.</exception>
    public static string? Read(SourceOptions source)
    {
        var credentials = source.Credentials;
        if (!string.IsNullOrWhiteSpace(credentials.TokenEnv))
        {
            var value = Environment.GetEnvironmentVariable(credentials.TokenEnv);
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new InvalidOperationException($"Source '{source.Name}': environment variable '{credentials.TokenEnv}' named by Credentials:TokenEnv is not set or empty. Set it to the access token.");
            }

            return value.Trim();
        }

        if (!string.IsNullOrWhiteSpace(credentials.TokenFile))
        {
            var path = Path.GetFullPath(credentials.TokenFile);
            if (!File.Exists(path))
            {
                throw new InvalidOperationException($"Source '{source.Name}': token file '{path}' named by Credentials:TokenFile does not exist.");
            }

            var value = File.ReadAllText(path).Trim();
            if (value.Length == 0)
            {
                throw new InvalidOperationException($"Source '{source.Name}': token file '{path}' named by Credentials:TokenFile is empty.");
            }

            return value;
        }

        return null;
    }

    /// <summary>The HTTP <c>Authorization</c> header value for a token: Basic with the configured user name, else Bearer.</summary>
    public static string AuthorizationValue(SourceOptions source, string token)
        => string.IsNullOrWhiteSpace(source.Credentials.Username)
            ? "Bearer " + token
            : "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(source.Credentials.Username + ":" + token));
}

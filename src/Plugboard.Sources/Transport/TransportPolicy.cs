using Microsoft.Extensions.Logging;
using Plugboard.Sources.Configuration;

namespace Plugboard.Sources.Transport;

/// <summary>
/// HTTPS only unless a source is explicitly loosened with <see cref="SourceOptions.AllowInsecure"/>, which
/// is then logged as a warning at every sync so it is never forgotten.
/// </summary>
public static class TransportPolicy
{
    /// <summary>Why <paramref name="url"/> may not be fetched over HTTP(S) for <paramref name="source"/>, or null when it may.</summary>
    public static string? CheckHttpUrl(SourceOptions source, string? url, string field = "Url")
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return $"Source '{source.Name}': {field} is required for type '{source.Type}'.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"Source '{source.Name}': {field} '{url}' is not an absolute URL; use https://host/path.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return $"Source '{source.Name}': {field} must not carry credentials; put the token in an environment variable or file named by Credentials:TokenEnv or Credentials:TokenFile.";
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return null;
        }

        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            return source.AllowInsecure
                ? null
                : $"Source '{source.Name}': {field} '{uri}' uses http://, which is refused: use https://, or set AllowInsecure: true for this source if you accept unencrypted, unauthenticated downloads.";
        }

        return $"Source '{source.Name}': {field} '{uri}' uses '{uri.Scheme}://'; only https:// (or http:// with AllowInsecure) is supported.";
    }

    /// <summary>Logs the warning every sync of an insecure source gives.</summary>
    public static void WarnIfInsecure(ILogger logger, SourceOptions source, string location)
    {
        if (source.AllowInsecure)
        {
            logger.LogWarning(
                "Source {Source} allows insecure transport (AllowInsecure: true); {Location} may be read without TLS, so packages could be altered in transit. Remove AllowInsecure once the source serves https.",
                source.Name,
                location);
        }
    }
}

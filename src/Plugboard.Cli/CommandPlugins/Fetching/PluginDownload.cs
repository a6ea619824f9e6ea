using System.Net;
using System.Security.Cryptography;
using Plugboard.Cli.Console;
using Plugboard.Sources;
using Plugboard.Sources.Transport;

namespace Plugboard.Cli.CommandPlugins.Fetching;

/// <summary>How a command plugin is fetched from the network: transport policy and the pin of a download.</summary>
/// <param name="CaBundle">A PEM file of the CA certificates the server's chain must end at, instead of the machine's store (sources' <c>CaBundle</c>).</param>
/// <param name="AllowInsecure">Accept http:// (and git's http:// and git://); a warning is printed each time.</param>
/// <param name="Sha256">The SHA-256 (64 hex digits) a downloaded archive must have.</param>
internal sealed record FetchOptions(string? CaBundle, bool AllowInsecure, string? Sha256)
{
    public static FetchOptions None { get; } = new(null, false, null);
}

/// <summary>
/// Downloads a plugin archive over HTTPS (HTTP only with <c>--allow-insecure</c>, with a warning), checking the server
/// against a CA bundle when one is given, and hashing the bytes as they arrive: with <c>--sha256</c> a different
/// download is refused; without, its digest is shown so it can be pinned, and recorded in the receipt.
/// </summary>
internal static class PluginDownload
{
    /// <summary>The most a plugin archive may weigh.</summary>
    private const long MaxBytes = 1L << 30;

    /// <returns>The SHA-256 of the bytes written to <paramref name="file"/>, 64 lower-case hex digits.</returns>
    /// <exception cref="CliException">The URL is refused, the server fails or the digest differs from the pin.</exception>
    public static async Task<string> DownloadAsync(Uri url, string file, FetchOptions options, TextWriter warnings, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(url.UserInfo))
        {
            throw CliException.Usage($"'{Redacted(url)}' carries credentials; plugboard does not send passwords in URLs. Download the archive yourself and install the file.");
        }

        if (url.Scheme == Uri.UriSchemeHttp)
        {
            if (!options.AllowInsecure)
            {
                throw CliException.Usage($"'{url}' uses http://, which is refused: use https://, or pass --allow-insecure if you accept an unencrypted, unauthenticated download (pin it with --sha256).");
            }

            await warnings.WriteLineAsync($"warning: downloading '{url}' without TLS (--allow-insecure): the archive could be altered in transit{(options.Sha256 is null ? "; pin it with --sha256" : string.Empty)}.").ConfigureAwait(false);
        }
        else if (url.Scheme != Uri.UriSchemeHttps)
        {
            throw CliException.Usage($"'{url}' uses '{url.Scheme}://'; plugin archives are downloaded over https:// (or http:// with --allow-insecure).");
        }

        CaBundle? bundle = null;
        if (options.CaBundle is not null)
        {
            try
            {
                bundle = CaBundle.Load(options.CaBundle, "plugin install");
            }
            catch (SourceException ex)
            {
                throw CliException.Usage($"--ca-bundle: {ex.Message.Replace("Source 'plugin install': ", string.Empty, StringComparison.Ordinal)}");
            }
        }

        using var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None };
        if (bundle is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => bundle.Validates(certificate, errors);
        }

        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd($"plugboard/{PlugboardVersion.Current.Split('+')[0]}");
        HttpResponseMessage response;
        try
        {
            response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            var hint = options.CaBundle is null && url.Scheme == Uri.UriSchemeHttps ? " If the server's certificate comes from a private CA, give its PEM file with --ca-bundle." : string.Empty;
            throw new CliException($"Could not download '{url}': {ex.Message}{(ex.InnerException is { } inner ? $" ({inner.Message})" : string.Empty)}.{hint} Nothing was installed.", ExitCodes.Failure, ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new CliException($"Could not download '{url}': the server answered {(int)response.StatusCode} {response.ReasonPhrase}. Nothing was installed.");
            }

            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var output = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true);
                await using (output.ConfigureAwait(false))
                {
                    var buffer = new byte[81920];
                    long total = 0;
                    int read;
                    while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        total += read;
                        if (total > MaxBytes)
                        {
                            throw new CliException($"'{url}' is larger than {MaxBytes} bytes, more than a plugin archive may weigh. Nothing was installed.");
                        }

                        sha.AppendData(buffer, 0, read);
                        await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            var digest = Convert.ToHexStringLower(sha.GetHashAndReset());
            if (options.Sha256 is { } pinned && !string.Equals(pinned, digest, StringComparison.OrdinalIgnoreCase))
            {
                throw new CliException($"The download of '{url}' has SHA-256 {digest}, but --sha256 asks for {pinned.ToLowerInvariant()}: the archive changed or the pin is wrong. Nothing was installed.");
            }

            return digest;
        }
    }

    /// <summary>Whether <paramref name="text"/> is a SHA-256 in hex (optionally prefixed <c>sha256:</c>); returns it without prefix.</summary>
    public static bool TryParseSha256(string text, out string hex)
    {
        hex = text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? text[7..] : text;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit);
    }

    private static string Redacted(Uri url) => new UriBuilder(url) { UserName = string.Empty, Password = string.Empty }.Uri.ToString();
}

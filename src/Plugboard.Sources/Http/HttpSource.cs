using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NuGet.Versioning;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Transport;

namespace Plugboard.Sources.Http;

/// <summary>
/// A static feed: an <c>index.json</c> per plugin set listing packages with their URLs and digests. The
/// index is fetched with <c>If-None-Match</c> (a 304 reuses the copy kept from last time) and a package is
/// downloaded only when its digest is not in the cache yet. HTTPS only unless AllowInsecure; a CA bundle
/// replaces the system's trusted CAs for this source.
/// </summary>
public sealed class HttpSource : IPluginSource, IDisposable
{
    private readonly SourceOptions _options;
    private readonly SourceContext _context;
    private readonly ILogger _logger;
    private readonly Lazy<HttpClient> _client;

    /// <summary>The largest package accepted: the total size extraction allows.</summary>
    internal static long MaxPackageBytes => ExtractionLimits.Default.MaxTotalSize;

    /// <summary>The largest feed index accepted, after decompression.</summary>
    internal const long MaxIndexBytes = 64L << 20;

    /// <summary>Creates the source; <paramref name="options"/> must be valid for type <c>http</c>.</summary>
    public HttpSource(SourceOptions options, SourceContext context)
    {
        _options = options;
        _context = context;
        _logger = context.LoggerFactory.CreateLogger<HttpSource>();
        Sets = PluginSet.FromOptions(options);
        var url = options.Url!.Trim();
        IndexUrl = new Uri(url.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? url : url.TrimEnd('/') + "/index.json");
        _client = new Lazy<HttpClient>(CreateClient);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <inheritdoc />
    public IReadOnlyList<PluginSet> Sets { get; }

    /// <summary>The index of the root set.</summary>
    public Uri IndexUrl { get; }

    /// <inheritdoc />
    public async Task<SourceListing> ListAsync(string workDirectory, CancellationToken cancellationToken)
    {
        TransportPolicy.WarnIfInsecure(_logger, _options, IndexUrl.ToString());
        var packages = new List<SourcePackage>();
        var fetches = 0;
        var revisions = new List<string>();
        foreach (var set in Sets)
        {
            var indexUrl = set.Path.Length == 0 ? IndexUrl : new Uri(IndexUrl, set.Path.TrimEnd('/') + "/index.json");
            var (index, etag, fetched) = await ReadIndexAsync(set, indexUrl, cancellationToken).ConfigureAwait(false);
            fetches += fetched ? 1 : 0;
            revisions.Add(etag ?? "-");
            foreach (var package in index.Packages)
            {
                var url = Resolve(indexUrl, package.Url, "url");
                var signatureUrl = package.SignatureUrl is null ? null : Resolve(indexUrl, package.SignatureUrl, "signatureUrl");
                var digest = PackageDigest.Parse(package.Digest);
                packages.Add(new FeedPackage(this, url, signatureUrl)
                {
                    SetKey = set.Key,
                    Origin = url.ToString(),
                    Fingerprint = digest.Value + (signatureUrl is null ? string.Empty : ":signed"),
                    ClaimedId = package.Id,
                    ClaimedVersion = NuGetVersion.TryParse(package.Version, out var version) ? version.ToFullString() : package.Version,
                    ExpectedDigest = digest,
                });
            }
        }

        return new SourceListing { Packages = packages, RemoteFetches = fetches, Revision = string.Join(", ", revisions) };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    private Uri Resolve(Uri indexUrl, string relative, string field)
    {
        if (!Uri.TryCreate(indexUrl, relative, out var url))
        {
            throw new SourceException(Name, $"Source '{Name}': feed index {indexUrl} {field} '{relative}' is not a URL; give an https:// URL or a path relative to the index. Fix the feed.");
        }

        if (TransportPolicy.CheckHttpUrl(_options, url.ToString(), $"feed index {indexUrl} {field}") is { } problem)
        {
            throw new SourceException(Name, problem);
        }

        return url;
    }

    private async Task<(HttpFeedIndex Index, string? ETag, bool Fetched)> ReadIndexAsync(PluginSet set, Uri indexUrl, CancellationToken cancellationToken)
    {
        var statePath = Path.Combine(_context.StateDirectory, "http-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(indexUrl.ToString())))[..16] + ".json");
        var saved = await ReadSavedAsync(statePath, cancellationToken).ConfigureAwait(false);
        var tag = saved?.ETag is { } savedTag && EntityTagHeaderValue.TryParse(savedTag, out var parsed) ? parsed : null;
        using var response = await SendAsync(indexUrl, request => { if (tag is not null) { request.Headers.IfNoneMatch.Add(tag); } }, $"feed index of set '{set.Key}'", cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified && saved is not null)
        {
            return (HttpFeedIndex.Parse(saved.Body, indexUrl.ToString()), saved.ETag, false);
        }

        EnsureSuccess(response, indexUrl, $"feed index of set '{set.Key}'");
        var body = await ReadIndexBodyAsync(response, indexUrl, cancellationToken).ConfigureAwait(false);
        HttpFeedIndex index;
        try
        {
            index = HttpFeedIndex.Parse(body, indexUrl.ToString());
        }
        catch (FormatException ex)
        {
            throw new SourceException(Name, $"Source '{Name}': {ex.Message} Fix the feed.", ex);
        }

        var etag = response.Headers.ETag?.ToString();
        var state = new SavedIndex(etag, body);
        Directory.CreateDirectory(_context.StateDirectory);
        await Cache.AtomicFile.WriteAllBytesAsync(statePath, JsonSerializer.SerializeToUtf8Bytes(state), cancellationToken).ConfigureAwait(false);
        return (index, etag, true);
    }

    private static async Task<SavedIndex?> ReadSavedAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<SavedIndex>(await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Streams <paramref name="url"/> into <paramref name="path"/>, charging the sync's download budget as it goes and
    /// stopping past <paramref name="maxBytes"/>. A refused or broken download is deleted at once.
    /// </summary>
    internal async Task DownloadAsync(Uri url, string path, long maxBytes, string what, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(url, configure: null, what, cancellationToken).ConfigureAwait(false);
            EnsureSuccess(response, url, what);
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);

            // Stop a hostile or broken server early: no package may be larger than extraction accepts, no
            // signature larger than a signature can be, and the source's downloads together stay in its budget.
            await _context.Downloads.CopyAsync(
                body,
                file,
                maxBytes,
                url.ToString(),
                () => new SourceException(Name, $"Source '{Name}': {url} ({what}) is larger than {DownloadBudget.Describe(maxBytes)}, more than any {what} may be; refused."),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            Cache.AtomicFile.TryDelete(path);
            throw new SourceException(Name, $"Source '{Name}': download of {url} broke off ({ex.Message}). The previous cache state is kept; sync again when the server is back.", ex);
        }
        catch
        {
            Cache.AtomicFile.TryDelete(path);
            throw;
        }
    }

    /// <summary>Reads a response body of at most <see cref="MaxIndexBytes"/> (after decompression), charging the download budget.</summary>
    private async Task<byte[]> ReadIndexBodyAsync(HttpResponseMessage response, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var buffer = new MemoryStream();
            await _context.Downloads.CopyAsync(
                body,
                buffer,
                MaxIndexBytes,
                url.ToString(),
                () => new SourceException(Name, $"Source '{Name}': feed index {url} is larger than {DownloadBudget.Describe(MaxIndexBytes)} (after decompression), the most an index may be; refused. An index lists packages, it does not hold them: fix the feed, or split it into sets."),
                cancellationToken).ConfigureAwait(false);
            return buffer.ToArray();
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new SourceException(Name, $"Source '{Name}': download of feed index {url} broke off ({ex.Message}). The previous cache state is kept; sync again when the server is back.", ex);
        }
    }

    private const int MaxRedirects = 10;

    /// <summary>
    /// Sends a GET, following redirects here rather than in the handler, so that each hop is checked like a configured
    /// URL (http(s) only, never https to http, the source's transport policy) and credentials go only to their origin.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(Uri url, Action<HttpRequestMessage>? configure, string what, CancellationToken cancellationToken)
    {
        var current = url;
        for (var hops = 0; ; hops++)
        {
            HttpResponseMessage response;
            using (var request = new HttpRequestMessage(HttpMethod.Get, current))
            {
                configure?.Invoke(request);
                response = await SendOnceAsync(request, current, cancellationToken).ConfigureAwait(false);
            }

            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || !response.Headers.TryGetValues("Location", out var locations))
            {
                return response;
            }

            var location = locations.FirstOrDefault() ?? string.Empty;
            response.Dispose();
            var refused = $"Source '{Name}': GET {current} ({what}) redirects to '{location}', which is not followed:";
            if (!Uri.TryCreate(current, location, out var next) || (next.Scheme != Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttp))
            {
                throw new SourceException(Name, $"{refused} redirects are followed only to http:// or https:// URLs. Fix the server or point the source at the final URL.");
            }

            if (current.Scheme == Uri.UriSchemeHttps && next.Scheme != Uri.UriSchemeHttps)
            {
                throw new SourceException(Name, $"{refused} a redirect from https to http would drop TLS. Fix the server.");
            }

            if (TransportPolicy.CheckHttpUrl(_options, next.ToString(), $"redirect of {current}") is { } problem)
            {
                throw new SourceException(Name, problem);
            }

            if (hops + 1 >= MaxRedirects)
            {
                throw new SourceException(Name, $"Source '{Name}': GET {url} ({what}) redirected more than {MaxRedirects} times; refused. Fix the server or point the source at the final URL.");
            }

            current = next;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, Uri url, CancellationToken cancellationToken)
    {
        // Credentials go only to the origin they were configured for: an index may list packages on any host.
        var token = SourceToken.Read(_options);
        if (token is not null && IsConfiguredOrigin(url))
        {
            request.Headers.TryAddWithoutValidation("Authorization", SourceToken.AuthorizationValue(_options, token));
        }
        else if (token is not null)
        {
            _logger.LogDebug("Source {Source}: {Url} is on another origin than {Index}; fetched without the source's credentials.", Name, url, IndexUrl);
        }

        try
        {
            return await _client.Value.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            var hint = ex.InnerException is System.Security.Authentication.AuthenticationException
                ? " The server's certificate is not trusted: give the CA that issued it in the source's CaBundle (a PEM file)."
                : " Check the URL and that the server is reachable; the previous cache state is kept.";
            throw new SourceException(Name, $"Source '{Name}': cannot reach {url} ({ex.Message}).{hint}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SourceException(Name, $"Source '{Name}': {url} did not answer within {_options.Timeout}; raise the source's Timeout or check the server.", ex);
        }
    }

    /// <summary>Whether <paramref name="url"/> has the scheme, host and port of the configured feed URL.</summary>
    private bool IsConfiguredOrigin(Uri url)
        => Uri.Compare(url, IndexUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    private void EnsureSuccess(HttpResponseMessage response, Uri url, string what)
    {
        if (!response.IsSuccessStatusCode)
        {
            var hint = response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
                ? " Check the token named by Credentials:TokenEnv / TokenFile."
                : string.Empty;
            throw new SourceException(Name, $"Source '{Name}': GET {url} ({what}) answered {(int)response.StatusCode} {response.ReasonPhrase}.{hint}");
        }
    }

    private HttpClient CreateClient()
    {
        // Owned by the HttpClient built from it (disposeHandler), which the caller disposes.
#pragma warning disable CA2000
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.All,

            // Followed by SendAsync, which checks every hop.
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
#pragma warning restore CA2000
        if (!string.IsNullOrWhiteSpace(_options.CaBundle))
        {
            var bundle = CaBundle.Load(_options.CaBundle, Name);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => bundle.Validates(certificate, errors);
        }

        // Every body is streamed and bounded by the source (indexes, packages, signatures), none buffered by the client.
        return new HttpClient(handler) { Timeout = _options.Timeout };
    }

    private sealed record SavedIndex(string? ETag, byte[] Body);

    private sealed class FeedPackage(HttpSource source, Uri url, Uri? signatureUrl) : SourcePackage
    {
        public override async Task FetchAsync(string packagePath, CancellationToken cancellationToken)
        {
            await source.DownloadAsync(url, packagePath, MaxPackageBytes, "package", cancellationToken).ConfigureAwait(false);
            if (signatureUrl is not null)
            {
                await source.DownloadAsync(signatureUrl, PackageFormat.SignaturePathFor(packagePath), PackageSignature.MaxFileBytes, "signature", cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

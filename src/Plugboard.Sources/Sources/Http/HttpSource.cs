using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using NuGet.Versioning;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Transport;

namespace Plugboard.Sources.Sources.Http;

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

    /// <summary>The largest download accepted: the total size extraction allows.</summary>
    internal static long MaxDownloadBytes => ExtractionLimits.Default.MaxTotalSize;

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
        var url = new Uri(indexUrl, relative);
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
        using var request = new HttpRequestMessage(HttpMethod.Get, indexUrl);
        if (saved?.ETag is { } savedTag && EntityTagHeaderValue.TryParse(savedTag, out var tag))
        {
            request.Headers.IfNoneMatch.Add(tag);
        }

        using var response = await SendAsync(request, indexUrl, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified && saved is not null)
        {
            return (HttpFeedIndex.Parse(saved.Body, indexUrl.ToString()), saved.ETag, false);
        }

        EnsureSuccess(response, indexUrl, $"feed index of set '{set.Key}'");
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
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

    internal async Task DownloadAsync(Uri url, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        using var response = await SendAsync(request, url, cancellationToken, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
        EnsureSuccess(response, url, "package");
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                // A package can never be larger than what extraction accepts; stop a hostile or broken server early.
                total += read;
                if (total > MaxDownloadBytes)
                {
                    throw new SourceException(Name, $"Source '{Name}': {url} is larger than {MaxDownloadBytes >> 20} MiB, more than any package may be; refused.");
                }

                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new SourceException(Name, $"Source '{Name}': download of {url} broke off ({ex.Message}). The previous cache state is kept; sync again when the server is back.", ex);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, Uri url, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var token = SourceToken.Read(_options);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", SourceToken.AuthorizationValue(_options, token));
        }

        try
        {
            return await _client.Value.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
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
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        };
#pragma warning restore CA2000
        if (!string.IsNullOrWhiteSpace(_options.CaBundle))
        {
            var bundle = CaBundle.Load(_options.CaBundle, Name);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => bundle.Validates(certificate, errors);
        }

        // Indexes are buffered; packages are streamed and bounded separately.
        return new HttpClient(handler) { Timeout = _options.Timeout, MaxResponseContentBufferSize = 64L << 20 };
    }

    private sealed record SavedIndex(string? ETag, byte[] Body);

    private sealed class FeedPackage(HttpSource source, Uri url, Uri? signatureUrl) : SourcePackage
    {
        public override async Task FetchAsync(string packagePath, CancellationToken cancellationToken)
        {
            await source.DownloadAsync(url, packagePath, cancellationToken).ConfigureAwait(false);
            if (signatureUrl is not null)
            {
                await source.DownloadAsync(signatureUrl, PackageFormat.SignaturePathFor(packagePath), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}

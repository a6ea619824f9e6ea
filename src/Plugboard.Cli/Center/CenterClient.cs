using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plugboard.Cli.Center;

/// <summary>One answer of the center: the body as the API's type, the body as JSON (what <c>--json</c> prints) and the ETag.</summary>
internal sealed record CenterReply<T>(T Value, JsonNode? Json, string? ETag, HttpStatusCode Status);

/// <summary>
/// The CLI's one client of the center's REST API (<c>/api/v1</c>, docs/guides/api.md): JSON with the web defaults over
/// <see cref="HttpClient"/>, the bearer token on every request, and every failure turned into a
/// <see cref="CenterException"/> that says what to do.
/// </summary>
internal sealed class CenterClient : IDisposable
{
    private readonly HttpClient _http;

    public CenterClient(CenterConnection connection)
    {
        Connection = connection;
        var root = connection.Url.AbsoluteUri.EndsWith('/') ? connection.Url : new Uri(connection.Url.AbsoluteUri + "/");

        // A sync or an upload may take minutes; the commands that wait longer (--wait) poll with short requests.
        _http = new HttpClient { BaseAddress = root, Timeout = TimeSpan.FromMinutes(10) };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("plugboard", PlugboardVersion.Current));
        if (connection.Token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
        }
    }

    /// <summary>The API's JSON conventions: camelCase, case-insensitive reading.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    public CenterConnection Connection { get; }

    public Task<CenterReply<T>> GetAsync<T>(string path, CancellationToken cancellationToken) =>
        SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, Relative(path)), cancellationToken);

    /// <summary>GET, or null when the center answers 404.</summary>
    public async Task<CenterReply<T>?> FindAsync<T>(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync<T>(path, cancellationToken).ConfigureAwait(false);
        }
        catch (CenterException ex) when (ex.Status == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public Task<CenterReply<T>> PostAsync<T>(string path, object? body, CancellationToken cancellationToken, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return SendAsync<T>(request, cancellationToken);
    }

    public Task<CenterReply<T>> PatchAsync<T>(string path, object body, string? ifMatch, CancellationToken cancellationToken) =>
        SendAsync<T>(WithIfMatch(new HttpRequestMessage(HttpMethod.Patch, Relative(path)) { Content = JsonContent.Create(body, options: Json) }, ifMatch), cancellationToken);

    public Task<CenterReply<T>> PutAsync<T>(string path, object body, string? ifMatch, CancellationToken cancellationToken) =>
        SendAsync<T>(WithIfMatch(new HttpRequestMessage(HttpMethod.Put, Relative(path)) { Content = JsonContent.Create(body, options: Json) }, ifMatch), cancellationToken);

    public Task<CenterReply<T>> DeleteAsync<T>(string path, string? ifMatch, CancellationToken cancellationToken) =>
        SendAsync<T>(WithIfMatch(new HttpRequestMessage(HttpMethod.Delete, Relative(path)), ifMatch), cancellationToken);

    /// <summary>POSTs a file's bytes as <c>application/octet-stream</c>.</summary>
    public async Task<CenterReply<T>> UploadAsync<T>(string path, string file, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(file);
        await using (stream.ConfigureAwait(false))
        {
            var content = new StreamContent(stream);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var request = new HttpRequestMessage(HttpMethod.Post, Relative(path)) { Content = content };
            return await SendAsync<T>(request, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>GETs a text resource (the rendered Kubernetes manifests) and returns it as it is.</summary>
    public async Task<string> GetTextAsync(string path, string mediaType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Relative(path));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        var (response, body, _) = await SendForBodyAsync(request, cancellationToken).ConfigureAwait(false);
        response.Dispose();
        return body;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>A path segment or query value, escaped (ids and names come from the user).</summary>
    public static string Escape(string value) => Uri.EscapeDataString(value);

    private static Uri Relative(string path) => new(path.TrimStart('/'), UriKind.Relative);

    private static HttpRequestMessage WithIfMatch(HttpRequestMessage request, string? etag)
    {
        if (etag is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        }

        return request;
    }

    private async Task<CenterReply<T>> SendAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            var (response, body, what) = await SendForBodyAsync(request, cancellationToken).ConfigureAwait(false);
            using (response)
            {
                JsonNode? json;
                T? value;
                try
                {
                    json = body.Length == 0 ? null : JsonNode.Parse(body);
                    value = json is null ? default : json.Deserialize<T>(Json);
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"The answer of {Connection.Url} to {what} is not the JSON a plugin center sends ({ex.Message}); is --url the center's address?", ex);
                }

                return new CenterReply<T>(value!, json, response.Headers.ETag?.ToString(), response.StatusCode);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads the answer's body; an unreachable center or an error answer is a
    /// <see cref="CenterException"/>. The caller disposes the response it gets back.
    /// </summary>
    private async Task<(HttpResponseMessage Response, string Body, string What)> SendForBodyAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var what = $"{request.Method} /{request.RequestUri}";
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw CenterException.Unreachable(Connection, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw CenterException.Unreachable(Connection, new TimeoutException($"no answer to {what} within {_http.Timeout.TotalMinutes:0} minutes.", ex));
        }

        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? (response, body, what)
                : throw CenterException.FromResponse(response.StatusCode, response.ReasonPhrase, body, what, Connection);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }
}

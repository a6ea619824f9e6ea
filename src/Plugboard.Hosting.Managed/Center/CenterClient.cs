using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Plugboard.Packaging;

namespace Plugboard.Hosting.Managed;

/// <summary>Thrown when the center answers with an error a retry will not fix by itself (a refused token, a bad request).</summary>
public sealed class CenterRefusedException(string message) : Exception(message);

/// <summary>
/// The host's side of the center's hosts API over one <see cref="HttpClient"/> (System.Text.Json, web defaults):
/// register, watch, download a package by digest, report.
/// </summary>
public sealed class CenterClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly string _name;

    /// <summary>Creates a client for host <paramref name="name"/>; <paramref name="http"/> carries the base address and token.</summary>
    public CenterClient(HttpClient http, string name)
    {
        _http = http;
        _name = Uri.EscapeDataString(name);
    }

    /// <summary>Registers (or renews) the host.</summary>
    public async Task RegisterAsync(string scope, IReadOnlyList<string> runtimes, IReadOnlyList<string> contracts, string plugboardVersion, CancellationToken cancellationToken)
    {
        using var response = await _http.PutAsJsonAsync($"api/v1/hosts/{_name}", new { scope, runtimes, contracts, plugboardVersion }, Json, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "registering", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The desired state when it differs from <paramref name="revision"/>, or null when it did not change within <paramref name="wait"/>.</summary>
    public async Task<DesiredState?> WatchAsync(string? revision, TimeSpan wait, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/hosts/{_name}/desired?wait={(int)wait.TotalSeconds}");
        if (revision is not null)
        {
            request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue($"\"{revision}\""));
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return null;
        }

        await EnsureAsync(response, "watching the desired state", cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadFromJsonAsync<DesiredState>(Json, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException("The center sent an empty desired state.");
    }

    /// <summary>Downloads the package <paramref name="digest"/> to <paramref name="path"/> and checks its bytes against the digest.</summary>
    /// <exception cref="InvalidDataException">The bytes do not have that digest (nothing is kept).</exception>
    public async Task DownloadAsync(PackageDigest digest, string path, CancellationToken cancellationToken)
    {
        using (var response = await _http.GetAsync($"api/v1/packages/{digest.Value}", HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false))
        {
            await EnsureAsync(response, $"downloading package {digest}", cancellationToken).ConfigureAwait(false);
            var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
            await using (file.ConfigureAwait(false))
            {
                await response.Content.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        var actual = await PackageDigest.ComputeFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (actual != digest)
        {
            File.Delete(path);
            throw new InvalidDataException($"The center sent a package whose digest is {actual}, not the {digest} asked for; it was discarded.");
        }
    }

    /// <summary>Reports every installation of the scope the host knows of.</summary>
    public async Task ReportAsync(IReadOnlyList<InstallationReport> installations, CancellationToken cancellationToken)
    {
        using var response = await _http.PutAsJsonAsync($"api/v1/hosts/{_name}/report", new { installations }, Json, cancellationToken).ConfigureAwait(false);
        await EnsureAsync(response, "reporting", cancellationToken).ConfigureAwait(false);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string? detail = null;
        try
        {
            using var problem = JsonDocument.Parse(body);
            detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
        }
        catch (JsonException)
        {
        }

        var message = $"The center refused {what}: {(int)response.StatusCode} {detail ?? response.ReasonPhrase}";
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden or HttpStatusCode.BadRequest or HttpStatusCode.Conflict)
        {
            throw new CenterRefusedException(message);
        }

        throw new HttpRequestException(message, null, response.StatusCode);
    }
}

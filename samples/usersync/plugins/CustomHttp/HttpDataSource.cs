using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using Plugboard;

namespace UserSync.Plugins.CustomHttp;

/// <summary>
/// Reads departments and users from a JSON HTTP API: <c>GET departments</c> and
/// <c>GET users?page=N&amp;pageSize=M</c> answering <c>{ "items": [...], "hasMore": bool }</c>.
/// </summary>
[Plugin("custom-http")]
public sealed class HttpDataSource : PluginBase<HttpDataSourceConfig>, IDataSource
{
    private HttpClient? _http;

    private HttpClient Http => _http ?? throw new InvalidOperationException("custom-http is not initialized.");

    protected override ValueTask<PluginMetadata> OnInitAsync(CancellationToken cancellationToken)
    {
        var baseUrl = Config.BaseUrl.EndsWith('/') ? Config.BaseUrl : Config.BaseUrl + "/";
        _http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(Config.TimeoutSeconds) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Config.ApiToken);
        return new(PluginMetadata.Empty.With("pageSize", Config.PageSize).With("endpoint", baseUrl));
    }

    public override async ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken)
    {
        var test = await TestConnectionAsync(cancellationToken).ConfigureAwait(false);
        return test.Ok ? VerifyResult.Ready() : VerifyResult.NotReady(test.Message);
    }

    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await Http.GetAsync("health", cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? new ConnectionTestResult(true, $"{Http.BaseAddress} answered {(int)response.StatusCode}")
                : new ConnectionTestResult(false, $"{Http.BaseAddress} answered {(int)response.StatusCode} {response.ReasonPhrase}; check baseUrl and apiToken");
        }
        catch (HttpRequestException ex)
        {
            return new ConnectionTestResult(false, $"{Http.BaseAddress} is unreachable: {ex.Message}");
        }
    }

    public async IAsyncEnumerable<Department> GetDepartmentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var departments = await Http.GetFromJsonAsync<List<Department>>("departments", cancellationToken).ConfigureAwait(false) ?? [];
        foreach (var department in departments)
        {
            yield return department;
        }
    }

    public async IAsyncEnumerable<User> GetUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var page = 1; ; page++)
        {
            var result = await Http.GetFromJsonAsync<Page<User>>($"users?page={page}&pageSize={Config.PageSize}", cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                yield break;
            }

            foreach (var user in result.Items)
            {
                yield return user;
            }

            if (!result.HasMore)
            {
                yield break;
            }
        }
    }

    public override ValueTask DisposeAsync()
    {
        _http?.Dispose();
        return base.DisposeAsync();
    }

    private sealed record Page<T>(List<T> Items, bool HasMore);
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Plugboard.Tests.Shared;

/// <summary>
/// A real center (the whole ASP.NET Core application, its store, controller and runtimes) in the test process on a
/// fresh data folder, with a known admin token and every log line captured.
/// </summary>
public sealed class TestCenter : WebApplicationFactory<Program>
{
    public const string AdminToken = "pbt_test-admin-token-0123456789";

    private readonly Dictionary<string, string?> _settings;
    private readonly TempFolder _data = new("center");

    public TestCenter(Dictionary<string, string?>? settings = null)
    {
        var contracts = Directory.CreateDirectory(Path.Combine(DataDirectory, "contracts")).FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixture.Contracts.dll"), Path.Combine(contracts, "Fixture.Contracts.dll"), overwrite: true);
        _settings = new Dictionary<string, string?>
        {
            ["Plugboard:Data"] = DataDirectory,
            ["PLUGBOARD_ADMIN_TOKEN"] = AdminToken,
            ["Plugboard:Controller:ResyncInterval"] = "00:00:00.200",
            ["Plugboard:Controller:InitialBackoff"] = "00:00:00.200",
            ["Plugboard:Controller:MaxBackoff"] = "00:00:01",
            ["Plugboard:Controller:LifecycleTimeout"] = "00:00:05",
            ["Plugboard:MaxJsonBodyBytes"] = "65536",
        };
        foreach (var (key, value) in settings ?? [])
        {
            _settings[key] = value;
        }
    }

    public string DataDirectory => _data.Path;

    public CapturingLoggerProvider Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(l => l.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
    }

    /// <summary>Stops the center, then deletes its data folder.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _data.Dispose();
    }

    public HttpClient Admin() => WithToken(AdminToken);

    public HttpClient WithToken(string? token)
    {
        var client = CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public async Task<string> ViewerTokenAsync()
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "vera", role = "viewer" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Json(response))["token"]!.GetValue<string>();
    }

    public async Task<JsonObject> UploadAsync(string packagePath)
    {
        using var admin = Admin();
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(packagePath));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await admin.PostAsync("/api/v1/packages", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return await Json(response);
    }

    public async Task<JsonObject> InstallAsync(object body)
    {
        using var admin = Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/installations", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await Json(response);
    }

    public async Task<JsonObject> GetAsync(string path)
    {
        using var admin = Admin();
        var response = await admin.GetAsync(path);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await Json(response);
    }

    /// <summary>Polls the installation until <paramref name="until"/> holds (the controller works in the background).</summary>
    public async Task<JsonObject> WaitAsync(string id, Func<JsonObject, bool> until, string what)
    {
        JsonObject? last = null;
        await Eventually.HoldsAsync(
            async () => until(last = await GetAsync($"/api/v1/installations/{id}")),
            () => $"installation {id} never became {what}; last: {last}");
        return last!;
    }

    public Task<JsonObject> WaitForPhaseAsync(string id, string phase) =>
        WaitAsync(id, i => (string?)i["phase"] == phase, phase);

    public static async Task<JsonObject> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) as JsonObject ?? throw new InvalidOperationException($"not a JSON object: {text}");
    }

    public static async Task<JsonArray> JsonArray(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonArray ?? throw new InvalidOperationException("not a JSON array");

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Plugboard.Tests.Shared;

namespace Plugboard.Server.Tests;

public sealed class InstallationTests : IAsyncLifetime
{
    private const string Secret = "s3cret-api-key-7f1d";
    private readonly TestCenter _center = new();
    private string _packages = null!;

    public Task InitializeAsync()
    {
        _packages = Path.Combine(_center.DataDirectory, "packages-in");
        Directory.CreateDirectory(_packages);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _center.DisposeAsync();

    private async Task UploadHelloAsync(string version = "1.0.0", string? extra = null) =>
        await _center.UploadAsync(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(version, extra), _packages));

    [Fact]
    public async Task An_uploaded_plugin_installed_with_a_secret_becomes_Active_with_its_Init_metadata_and_the_secret_never_shows()
    {
        await UploadHelloAsync();
        var created = await _center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { greeting = "Howdy", apiKey = Secret } });
        Assert.Equal("Pending", (string?)created["phase"]);

        var active = await _center.WaitForPhaseAsync((string)created["id"]!, "Active");
        Assert.Equal("Howdy", (string?)active["metadata"]!["greeting"]);
        Assert.True((bool)active["verify"]!["ready"]!);
        Assert.True((bool)active["secrets"]!["$.apiKey"]!);
        Assert.Equal("(set)", (string?)active["config"]!["apiKey"]);

        var form = await _center.GetAsync($"/api/v1/installations/{created["id"]}/form?lang=zh-CN");
        Assert.Equal("问候语", (string?)form["schema"]!["properties"]!["greeting"]!["x-title"]);
        Assert.Equal("Howdy", (string?)form["values"]!["greeting"]);

        using var admin = _center.Admin();
        foreach (var path in new[] { "/api/v1/installations", $"/api/v1/installations/{created["id"]}", $"/api/v1/installations/{created["id"]}/form", "/api/v1/events", "/api/v1/plugins/custom-hello" })
        {
            Assert.DoesNotContain(Secret, await admin.GetStringAsync(path));
        }

        Assert.DoesNotContain(Secret, _center.Logs.AllText);
        Assert.DoesNotContain(Secret, await File.ReadAllTextAsync(Path.Combine(_center.DataDirectory, "center.db")) + string.Join("", Directory.EnumerateFiles(_center.DataDirectory, "center.db*").Select(File.ReadAllText)));
    }

    [Fact]
    public async Task A_configuration_update_reruns_Init_and_keeps_the_secret_not_sent_again()
    {
        await UploadHelloAsync();
        var id = (string)(await _center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { apiKey = Secret } }))["id"]!;
        var first = await _center.WaitForPhaseAsync(id, "Active");

        using var admin = _center.Admin();
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/installations/{id}") { Content = JsonContent.Create(new { config = new { greeting = "Bonjour" } }) };
        request.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue((string)first["eTag"]!));
        var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var updated = await _center.WaitAsync(id, i => (string?)i["phase"] == "Active" && (string?)i["metadata"]?["greeting"] == "Bonjour", "Active with the new greeting");
        Assert.True((bool)updated["secrets"]!["$.apiKey"]!);
        Assert.Equal(2, (long)updated["observedGeneration"]!);
        Assert.DoesNotContain(Secret, _center.Logs.AllText);
    }

    [Fact]
    public async Task A_write_based_on_a_stale_ETag_is_refused_with_412_and_the_current_state()
    {
        await UploadHelloAsync();
        var created = await _center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { apiKey = Secret } });
        var id = (string)created["id"]!;
        var stale = (string)created["eTag"]!;
        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/installations/{id}", new { config = new { greeting = "One" } })).StatusCode);

        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/installations/{id}") { Content = JsonContent.Create(new { config = new { greeting = "Two" } }) };
        request.Headers.TryAddWithoutValidation("If-Match", stale);
        var response = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var problem = await TestCenter.Json(response);
        Assert.Equal("One", (string?)problem["current"]!["config"]!["greeting"]);
    }

    [Fact]
    public async Task Invalid_configuration_is_refused_with_the_path_of_each_field()
    {
        await UploadHelloAsync();
        using var admin = _center.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/installations", new { plugin = "custom-hello", version = "1.0.0", config = new { punctuation = ";", apiKey = "tiny7" } });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await TestCenter.Json(response))["errors"]!.AsArray().Select(e => (string)e!["path"]!).ToList();
        Assert.Contains("$.config.punctuation", errors);
        Assert.Contains("$.config.apiKey", errors);
        Assert.DoesNotContain("tiny7", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_installation_waits_for_its_dependency_and_the_dependency_cannot_be_uninstalled_while_it_is_Active()
    {
        await UploadHelloAsync();
        await _center.UploadAsync(await FixturePackages.PackAsync("Plugin.Reload.V1", FixturePackages.ReloadYaml("^1.0"), _packages));
        var dependent = (string)(await _center.InstallAsync(new { plugin = "custom-reload", upgradeMode = "auto" }))["id"]!;
        var waiting = await _center.WaitForPhaseAsync(dependent, "WaitingForDependencies");
        Assert.Contains("custom-hello", (string?)waiting["reason"]);

        var hello = (string)(await _center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { apiKey = Secret } }))["id"]!;
        await _center.WaitForPhaseAsync(hello, "Active");
        await _center.WaitForPhaseAsync(dependent, "Active");

        using var admin = _center.Admin();
        var refused = await admin.DeleteAsync($"/api/v1/installations/{hello}");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains(dependent, (string?)(await TestCenter.Json(refused))["detail"]);

        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/api/v1/installations/{dependent}")).StatusCode);
        await WaitGoneAsync(dependent);
        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/api/v1/installations/{hello}")).StatusCode);
        await WaitGoneAsync(hello);
    }

    [Fact]
    public async Task An_upgrade_the_new_versions_rules_exclude_is_refused_naming_both_versions()
    {
        await UploadHelloAsync("1.0.0");
        await UploadHelloAsync("2.0.0", "supportedUpgradeFrom: \">=1.5.0\"");
        var id = (string)(await _center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { apiKey = Secret } }))["id"]!;
        await _center.WaitForPhaseAsync(id, "Active");

        using var admin = _center.Admin();
        var response = await admin.PatchAsJsonAsync($"/api/v1/installations/{id}", new { version = "2.0.0" });
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var detail = (string?)(await TestCenter.Json(response))["detail"];
        Assert.Contains("2.0.0", detail);
        Assert.Contains("1.0.0", detail);
    }

    [Fact]
    public async Task An_auto_installation_moves_to_a_new_version_the_rules_allow_and_stays_below_one_they_exclude()
    {
        await UploadHelloAsync("1.0.0");
        var id = (string)(await _center.InstallAsync(new { plugin = "custom-hello", upgradeMode = "auto", config = new { apiKey = Secret } }))["id"]!;
        await _center.WaitForPhaseAsync(id, "Active");

        await UploadHelloAsync("3.0.0", "supportedUpgradeFrom: \">=2.0.0\"");
        await UploadHelloAsync("1.1.0");
        var upgraded = await _center.WaitAsync(id, i => (string?)i["version"] == "1.1.0" && (string?)i["phase"] == "Active", "Active on 1.1.0");
        Assert.True((bool)upgraded["secrets"]!["$.apiKey"]!);

        var events = await TestCenter.JsonArray(await _center.Admin().GetAsync($"/api/v1/events?installation={id}"));
        Assert.Contains(events, e => ((string?)e!["reason"])?.Contains("upgrading custom-hello from 1.0.0 to 1.1.0", StringComparison.Ordinal) == true);
        Assert.All(events, e => Assert.False(string.IsNullOrEmpty((string?)e!["actor"])));
    }

    [Theory]
    [InlineData("custom-init-throws", "upstream refused the connection")]
    [InlineData("custom-not-ready", "unreachable")]
    public async Task A_plugin_whose_Init_or_Verify_fails_is_Failed_with_the_reason_and_retried(string id, string reason)
    {
        await _center.UploadAsync(await FixturePackages.PackAsync("Plugin.Faulty", FixturePackages.FaultyYaml(id), _packages));
        var installation = (string)(await _center.InstallAsync(new { plugin = id, version = "1.0.0" }))["id"]!;
        var failed = await _center.WaitAsync(installation, i => (string?)i["phase"] == "Failed" && (int)i["attempts"]! >= 2, "Failed twice");
        Assert.Contains(reason, (string?)failed["reason"]);
    }

    [Fact]
    public async Task Posting_the_same_installation_again_is_idempotent()
    {
        await UploadHelloAsync();
        using var admin = _center.Admin();
        var body = new { plugin = "custom-hello", version = "1.0.0", config = new { apiKey = Secret } };
        var request = () =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/installations") { Content = JsonContent.Create(body) };
            message.Headers.Add("Idempotency-Key", "key-1");
            return message;
        };
        var first = await TestCenter.Json(await admin.SendAsync(request()));
        var again = await admin.SendAsync(request());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal((string?)first["id"], (string?)(await TestCenter.Json(again))["id"]);
        var natural = await admin.PostAsJsonAsync("/api/v1/installations", body);
        Assert.Equal(HttpStatusCode.OK, natural.StatusCode);
        Assert.Single(await TestCenter.JsonArray(await admin.GetAsync("/api/v1/installations")));
    }

    private async Task WaitGoneAsync(string id)
    {
        using var admin = _center.Admin();
        await Eventually.HoldsAsync(
            async () => (await admin.GetAsync($"/api/v1/installations/{id}")).StatusCode == HttpStatusCode.NotFound,
            () => $"installation {id} was not removed");
    }
}

using System.Net;
using System.Net.Http.Json;

namespace Plugboard.Server.Tests;

public sealed class SourcesTests : IAsyncLifetime
{
    private readonly TestCenter _center = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _center.DisposeAsync();

    [Fact]
    public async Task A_source_added_through_the_API_syncs_into_the_catalog_and_every_run_is_recorded_per_package()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_center.DataDirectory, "feed")).FullName;
        File.Move(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("1.0.0"), folder), Path.Combine(folder, "custom-hello-1.0.0.pbpkg"));
        using var admin = _center.Admin();
        var added = await admin.PostAsJsonAsync("/api/v1/sources", new { name = "team", type = "fs", path = folder });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);

        var run = await TestCenter.Json(await admin.PostAsync("/api/v1/sources/team/sync", null));
        Assert.Equal("Ok", (string?)run["status"]);
        Assert.Contains(run["packages"]!.AsArray(), p => (string?)p!["pluginId"] == "custom-hello" && (string?)p["outcome"] == "added");

        var catalog = await _center.GetAsync("/api/v1/plugins?tag=greeting");
        Assert.Equal(1, (int)catalog["total"]!);
        var plugin = await _center.GetAsync("/api/v1/plugins/custom-hello");
        var version = plugin["versions"]![0]!;
        Assert.Equal("team", (string?)version["origin"]);
        Assert.Equal("问候插件", (string?)version["displayName"]!["zh-CN"]);
        Assert.StartsWith("sha256:", (string?)version["digest"]);

        File.Move(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("1.1.0"), folder), Path.Combine(folder, "custom-hello-1.1.0.pbpkg"));
        var second = await TestCenter.Json(await admin.PostAsync("/api/v1/sources/team/sync", null));
        Assert.Contains(second["packages"]!.AsArray(), p => (string?)p!["version"] == "1.1.0" && (string?)p["outcome"] == "added");
        Assert.Contains(second["packages"]!.AsArray(), p => (string?)p!["version"] == "1.0.0" && (string?)p["outcome"] == "unchanged");
        Assert.Equal(2, (await TestCenter.JsonArray(await admin.GetAsync("/api/v1/sync-runs?source=team"))).Count);
    }

    [Fact]
    public async Task An_uploaded_package_is_locked_like_a_synced_one()
    {
        var uploads = Directory.CreateDirectory(Path.Combine(_center.DataDirectory, "uploads")).FullName;
        var uploaded = await _center.UploadAsync(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("1.0.0"), uploads));
        var digest = (string?)uploaded["digest"];
        var locks = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(_center.DataDirectory, "cache", "plugboard.lock")))!;
        Assert.Equal(digest, (string?)locks["plugins"]!["custom-hello"]!["1.0.0"]);

        // The same id and version with other bytes: refused by upload, and by a sync.
        var changed = FixturePackages.HelloYaml("1.0.0").Replace("Greets people.", "Greets people, changed.", StringComparison.Ordinal);
        using var admin = _center.Admin();
        using (var body = new ByteArrayContent(await File.ReadAllBytesAsync(await FixturePackages.PackAsync("Plugin.Hello", changed, uploads))))
        {
            var refused = await admin.PostAsync("/api/v1/packages", body);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("locked", (string?)(await TestCenter.Json(refused))["detail"]);
        }

        var feed = Directory.CreateDirectory(Path.Combine(_center.DataDirectory, "feed")).FullName;
        File.Move(await FixturePackages.PackAsync("Plugin.Hello", changed, feed), Path.Combine(feed, "custom-hello-1.0.0.pbpkg"));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/sources", new { name = "team", type = "fs", path = feed })).StatusCode);
        var run = await admin.PostAsync("/api/v1/sources/team/sync", null);
        var report = await run.Content.ReadAsStringAsync();
        Assert.True(report.Contains($"locks custom-hello 1.0.0 to {digest}", StringComparison.Ordinal), report);
        var plugin = await _center.GetAsync("/api/v1/plugins/custom-hello");
        Assert.Equal(digest, (string?)Assert.Single(plugin["versions"]!.AsArray())!["digest"]);
    }

    [Fact]
    public async Task An_auto_installation_follows_a_new_version_a_sync_brings()
    {
        var feed = Directory.CreateDirectory(Path.Combine(_center.DataDirectory, "feed")).FullName;
        File.Move(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("1.0.0"), feed), Path.Combine(feed, "custom-hello-1.0.0.pbpkg"));
        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/sources", new { name = "team", type = "fs", path = feed })).StatusCode);
        Assert.Equal("Ok", (string?)(await TestCenter.Json(await admin.PostAsync("/api/v1/sources/team/sync", null)))["status"]);
        var id = (string)(await _center.InstallAsync(new { plugin = "custom-hello", upgradeMode = "auto", config = new { greeting = "Hi" } }))["id"]!;
        await _center.WaitAsync(id, i => (string?)i["version"] == "1.0.0" && (string?)i["phase"] == "Active", "Active on 1.0.0");

        File.Move(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("1.1.0"), feed), Path.Combine(feed, "custom-hello-1.1.0.pbpkg"));
        Assert.Equal("Ok", (string?)(await TestCenter.Json(await admin.PostAsync("/api/v1/sources/team/sync", null)))["status"]);

        var upgraded = await _center.WaitAsync(id, i => (string?)i["version"] == "1.1.0" && (string?)i["phase"] == "Active", "Active on 1.1.0 after the sync");
        Assert.Equal("auto", (string?)upgraded["upgradeMode"]);
    }

    [Fact]
    public async Task A_source_with_a_bad_definition_is_refused_with_the_field_named()
    {
        using var admin = _center.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/sources", new { name = "web", type = "http", url = "http://127.0.0.1:1/feed" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await TestCenter.Json(response);
        Assert.NotEmpty(problem["errors"]!.AsArray());
        Assert.Contains("web", (string?)problem["detail"]);
    }

    [Fact]
    public async Task A_plugin_registered_as_running_elsewhere_is_in_the_catalog_with_its_schema()
    {
        using var admin = _center.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/plugins", new
        {
            id = "remote-ldap",
            serviceType = "usersync.datasource",
            endpoint = "https://ldap-plugin.internal:8443",
            tags = new[] { "ldap" },
            provider = "Ops",
            configSchema = new { type = "object", properties = new { password = new { type = "string", writeOnly = true } } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var plugin = await _center.GetAsync("/api/v1/plugins/remote-ldap");
        Assert.Equal("registered", (string?)plugin["kind"]);
        Assert.Equal("endpoint", (string?)plugin["versions"]![0]!["runtime"]);

        var bad = await admin.PostAsJsonAsync("/api/v1/plugins", new { id = "x", serviceType = "a", endpoint = "e", configSchema = new { type = "object", properties = new { n = new { type = "nonsense" } } } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains((await TestCenter.Json(bad))["errors"]!.AsArray(), e => ((string?)e!["path"])!.StartsWith("$.", StringComparison.Ordinal));
    }
}

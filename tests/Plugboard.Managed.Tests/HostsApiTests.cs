using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Plugboard.Server.Hosts;

namespace Plugboard.Managed.Tests;

/// <summary>The center's side of managed mode: the host role, register, watch, packages by digest, reports and the summary.</summary>
public sealed class HostsApiTests : IAsyncLifetime
{
    private const string Secret = "s3cret-api-key-7f1d";
    private readonly TestCenter _center = new(new() { ["Plugboard:Hosts:StaleAfter"] = "00:00:03", ["Plugboard:Hosts:SummaryInterval"] = "00:00:00.200" });
    private readonly TempFolder _work = new("hosts-api");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _center.DisposeAsync();
        _work.Dispose();
    }

    private async Task<string> HostTokenAsync(string scope, string name = "edge-hosts")
    {
        using var admin = _center.Admin();
        var response = await admin.PostAsJsonAsync("/api/v1/tokens", new { name, role = "host", scope });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await TestCenter.Json(response);
        Assert.Equal(scope, (string?)body["scope"]);
        return (string)body["token"]!;
    }

    private async Task<JsonObject> InstallHelloAsync(string scope, string greeting = "Howdy")
    {
        var package = await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(), _work.Path);
        await _center.UploadAsync(package);
        return await _center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", scope, config = new { greeting, apiKey = Secret } });
    }

    private static async Task<HttpResponseMessage> RegisterAsync(HttpClient client, string name, string? scope = null) =>
        await client.PutAsJsonAsync($"/api/v1/hosts/{name}", new { scope, runtimes = new[] { "assembly" }, contracts = new[] { "fixture.greeter" }, plugboardVersion = "0.1.0" });

    [Fact]
    public async Task A_host_token_needs_a_scope_and_an_admin_or_viewer_token_takes_none()
    {
        using var admin = _center.Admin();
        var missing = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "h", role = "host" });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("$.scope", await missing.Content.ReadAsStringAsync());
        var scoped = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "v", role = "viewer", scope = "edge" });
        Assert.Equal(HttpStatusCode.BadRequest, scoped.StatusCode);
    }

    [Fact]
    public async Task A_host_token_is_refused_everything_but_the_host_endpoints_and_other_tokens_are_refused_those()
    {
        var token = await HostTokenAsync("edge");
        using var host = _center.WithToken(token);
        foreach (var path in new[] { "/api/v1/installations", "/api/v1/tokens", "/api/v1/plugins", "/api/v1/events", "/api/v1/hosts", "/api/v1/me" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await host.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await host.PostAsJsonAsync("/api/v1/installations", new { plugin = "custom-hello", scope = "edge" })).StatusCode);

        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(admin, "h1")).StatusCode);
        using var viewer = _center.WithToken(await _center.ViewerTokenAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync("/api/v1/hosts/h1/desired")).StatusCode);
        using var anonymous = _center.WithToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await RegisterAsync(anonymous, "h1")).StatusCode);
    }

    [Fact]
    public void A_host_token_over_plain_http_from_another_machine_is_refused_and_from_loopback_accepted()
    {
        var remote = new DefaultHttpContext();
        remote.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        var refused = HostCaller.RefuseInsecure(remote);
        Assert.NotNull(refused);

        var loopback = new DefaultHttpContext();
        loopback.Connection.RemoteIpAddress = IPAddress.IPv6Loopback;
        Assert.Null(HostCaller.RefuseInsecure(loopback));

        var tls = new DefaultHttpContext();
        tls.Connection.RemoteIpAddress = IPAddress.Parse("10.1.2.3");
        tls.Request.Scheme = "https";
        Assert.Null(HostCaller.RefuseInsecure(tls));
    }

    [Fact]
    public async Task A_host_registers_only_for_its_tokens_scope_and_sees_only_that_scopes_installations_with_secrets_decrypted()
    {
        await InstallHelloAsync("edge");
        using var edge = _center.WithToken(await HostTokenAsync("edge"));
        var wrong = await RegisterAsync(edge, "edge-1", "core");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Contains("bound to scope 'edge'", await wrong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(edge, "edge-1")).StatusCode);

        var desired = await TestCenter.Json(await edge.GetAsync("/api/v1/hosts/edge-1/desired"));
        var installation = Assert.Single(desired["installations"]!.AsArray())!;
        Assert.Equal("custom-hello", (string?)installation["plugin"]);
        Assert.Equal("1.0.0", (string?)installation["version"]);
        Assert.StartsWith("sha256:", (string?)installation["digest"]);
        Assert.Equal(Secret, (string?)installation["config"]!["apiKey"]);
        Assert.Equal("!", (string?)installation["config"]!["punctuation"]); // defaults applied

        using var core = _center.WithToken(await HostTokenAsync("core", "core-hosts"));
        Assert.Equal(HttpStatusCode.OK, (await RegisterAsync(core, "core-1")).StatusCode);
        var other = await TestCenter.Json(await core.GetAsync("/api/v1/hosts/core-1/desired"));
        Assert.Empty(other["installations"]!.AsArray());

        // A host name belongs to the token that took it.
        Assert.Equal(HttpStatusCode.NotFound, (await core.GetAsync("/api/v1/hosts/edge-1/desired")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await RegisterAsync(core, "edge-1")).StatusCode);
    }

    [Fact]
    public async Task The_watch_answers_304_when_nothing_changed_and_resumes_with_the_change_made_while_it_waited()
    {
        var created = await InstallHelloAsync("edge");
        using var edge = _center.WithToken(await HostTokenAsync("edge"));
        await RegisterAsync(edge, "edge-1");
        var first = await edge.GetAsync("/api/v1/hosts/edge-1/desired");
        var etag = first.Headers.ETag!;

        using var unchanged = new HttpRequestMessage(HttpMethod.Get, "/api/v1/hosts/edge-1/desired?wait=1");
        unchanged.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await edge.SendAsync(unchanged)).StatusCode);

        using var watch = new HttpRequestMessage(HttpMethod.Get, "/api/v1/hosts/edge-1/desired?wait=30");
        watch.Headers.IfNoneMatch.Add(etag);
        var waiting = edge.SendAsync(watch);
        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/installations/{created["id"]}", new { config = new { greeting = "Bonjour" } })).StatusCode);
        var changed = await waiting;
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        var body = await TestCenter.Json(changed);
        Assert.Equal("Bonjour", (string?)body["installations"]![0]!["config"]!["greeting"]);
        Assert.Equal(Secret, (string?)body["installations"]![0]!["config"]!["apiKey"]); // kept, not sent again
        Assert.Equal(2, (long)body["installations"]![0]!["generation"]!);
    }

    [Fact]
    public async Task A_package_is_served_by_digest_to_a_host_only_when_the_catalog_holds_it()
    {
        await InstallHelloAsync("edge");
        using var edge = _center.WithToken(await HostTokenAsync("edge"));
        await RegisterAsync(edge, "edge-1");
        var desired = await TestCenter.Json(await edge.GetAsync("/api/v1/hosts/edge-1/desired"));
        var digest = (string)desired["installations"]![0]!["digest"]!;
        var bytes = await edge.GetByteArrayAsync($"/api/v1/packages/{digest}");
        Assert.Equal(digest, "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes)));

        Assert.Equal(HttpStatusCode.NotFound, (await edge.GetAsync($"/api/v1/packages/sha256:{new string('0', 64)}")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await edge.GetAsync("/api/v1/packages/md5:abc")).StatusCode);
        using var viewer = _center.WithToken(await _center.ViewerTokenAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.GetAsync($"/api/v1/packages/{digest}")).StatusCode);
    }

    [Fact]
    public async Task An_installations_phase_sums_up_its_scopes_hosts_with_each_hosts_detail_and_a_silent_host_goes_stale()
    {
        var created = await InstallHelloAsync("edge");
        var id = (string)created["id"]!;
        await _center.WaitAsync(id, i => (string?)i["phase"] == "Pending" && ((string?)i["reason"])!.Contains("no live managed host"), "Pending for want of a host");

        using var edge = _center.WithToken(await HostTokenAsync("edge"));
        await RegisterAsync(edge, "edge-1");
        await RegisterAsync(edge, "edge-2");
        await ReportAsync(edge, "edge-1", id, "Active", 1);
        await _center.WaitAsync(id, i => (string?)i["phase"] == "Loading" && ((string?)i["reason"])!.Contains("1 of 2 host(s) run generation 1; waiting for edge-2"), "Loading, waiting for edge-2");

        await ReportAsync(edge, "edge-2", id, "Failed", 1, "Init threw: no database");
        var failed = await _center.WaitForPhaseAsync(id, "Failed");
        Assert.Contains("host edge-2: Init threw: no database", (string?)failed["reason"]);

        await ReportAsync(edge, "edge-2", id, "Active", 1);
        var active = await _center.WaitForPhaseAsync(id, "Active");
        Assert.Equal("Howdy", (string?)active["metadata"]!["greeting"]);
        Assert.Equal(["edge-1", "edge-2"], active["hosts"]!.AsArray().Select(h => (string)h!["host"]!).ToArray());
        Assert.All(active["hosts"]!.AsArray(), h => Assert.Equal("Active", (string?)h!["phase"]));

        using var admin = _center.Admin();
        var hosts = await TestCenter.JsonArray(await admin.GetAsync("/api/v1/hosts"));
        Assert.Equal(2, hosts.Count);
        Assert.All(hosts, h => Assert.Equal(id, (string?)h!["running"]![0]!["installation"]));
        Assert.All(hosts, h => Assert.Equal("edge", (string?)h!["scope"]));

        // edge-2 falls silent: it goes stale and leaves the summary; edge-1 keeps reporting.
        await Eventually.HoldsAsync(async () =>
        {
            await ReportAsync(edge, "edge-1", id, "Active", 1);
            var list = await TestCenter.JsonArray(await admin.GetAsync("/api/v1/hosts"));
            return list.Any(h => (string?)h!["name"] == "edge-2" && (bool)h["stale"]!) && list.Any(h => (string?)h!["name"] == "edge-1" && !(bool)h["stale"]!);
        }, () => "edge-2 never went stale");
        var summary = await _center.WaitAsync(id, i => (string?)i["phase"] == "Active" && ((string?)i["reason"])!.Contains("1 host(s)"), "Active on one host");
        Assert.Contains(summary["hosts"]!.AsArray(), h => (string?)h!["host"] == "edge-2" && (bool)h["stale"]!);
    }

    [Fact]
    public async Task An_uninstall_in_a_managed_scope_completes_when_no_live_host_reports_it_any_more()
    {
        var id = (string)(await InstallHelloAsync("edge"))["id"]!;
        using var edge = _center.WithToken(await HostTokenAsync("edge"));
        await RegisterAsync(edge, "edge-1");
        await ReportAsync(edge, "edge-1", id, "Active", 1);
        await _center.WaitForPhaseAsync(id, "Active");

        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.Accepted, (await admin.DeleteAsync($"/api/v1/installations/{id}")).StatusCode);
        var desired = await TestCenter.Json(await edge.GetAsync("/api/v1/hosts/edge-1/desired"));
        Assert.Empty(desired["installations"]!.AsArray());
        await _center.WaitAsync(id, i => (string?)i["phase"] == "Uninstalling" && ((string?)i["reason"])!.Contains("waiting for edge-1"), "Uninstalling, waiting for edge-1");

        Assert.Equal(HttpStatusCode.NoContent, (await edge.PutAsJsonAsync("/api/v1/hosts/edge-1/report", new { installations = Array.Empty<object>() })).StatusCode);
        await Eventually.HoldsAsync(async () => (await admin.GetAsync($"/api/v1/installations/{id}")).StatusCode == HttpStatusCode.NotFound, () => "the installation was never removed");
    }

    private static async Task ReportAsync(HttpClient client, string host, string id, string phase, long generation, string? reason = null)
    {
        var response = await client.PutAsJsonAsync($"/api/v1/hosts/{host}/report", new
        {
            installations = new[]
            {
                new { id, phase, version = "1.0.0", generation, metadata = new { greeting = "Howdy" }, verifyReady = (bool?)(phase == "Active"), verifyReason = (string?)null, healthy = phase == "Active", reason },
            },
        });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}

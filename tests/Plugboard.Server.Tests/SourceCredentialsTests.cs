using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Plugboard.Server.Tests;

/// <summary>
/// A source's write-only credentials through the API, against a real http feed (Kestrel on 127.0.0.1) that refuses
/// requests without its bearer token, and the live progress of a sync that feed holds in the middle.
/// </summary>
public sealed class SourceCredentialsTests : IAsyncLifetime
{
    private const string Token = "feed-token-7f3a9c1e5b";
    private readonly TestCenter _center = new();
    private readonly TempFolder _root = new("feed");
    private readonly TempFolder _work = new("feed-packs");
    private FeedServer _feed = null!;

    public async Task InitializeAsync() => _feed = await FeedServer.StartAsync(_root.Path, certificate: null);

    public async Task DisposeAsync()
    {
        _feed.Release();
        await _feed.DisposeAsync();
        await _center.DisposeAsync();
        _root.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task A_token_is_stored_sealed_never_returned_nor_logged_kept_on_edit_and_removable()
    {
        await PublishAsync("1.0.0");
        _feed.RequiredToken = Token;
        using var admin = _center.Admin();
        var added = await admin.PostAsJsonAsync("/api/v1/sources", Feed(new { token = Token }));
        var addedText = await added.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.DoesNotContain(Token, addedText, StringComparison.Ordinal);
        Assert.Equal("set", (string?)JsonNode.Parse(addedText)!["credentials"]!["token"]);

        var run = await TestCenter.Json(await admin.PostAsync("/api/v1/sources/feed/sync", null));
        Assert.True((string?)run["status"] == "Ok", run.ToJsonString());
        Assert.Contains(run["packages"]!.AsArray(), p => (string?)p!["pluginId"] == "custom-hello" && (string?)p["outcome"] == "added");
        Assert.Equal(0, _feed.Refused);

        // An edit that leaves the token out keeps it.
        var source = await _center.GetAsync("/api/v1/sources/feed");
        using (var edit = new HttpRequestMessage(HttpMethod.Put, "/api/v1/sources/feed") { Content = JsonContent.Create(Feed(new { token = "" }, syncIntervalSeconds: 3600)) })
        {
            edit.Headers.IfMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue((string)source["eTag"]!));
            var edited = await admin.SendAsync(edit);
            Assert.True(edited.IsSuccessStatusCode, await edited.Content.ReadAsStringAsync());
        }

        await PublishAsync("1.0.0", "1.1.0");
        var second = await TestCenter.Json(await admin.PostAsync("/api/v1/sources/feed/sync", null));
        Assert.True((string?)second["status"] == "Ok", second.ToJsonString());
        Assert.Equal("set", (string?)(await _center.GetAsync("/api/v1/sources/feed"))["credentials"]!["token"]);

        // Nowhere in clear: not in any answer, not in the store, not in a log line.
        var listed = await admin.GetStringAsync("/api/v1/sources");
        Assert.DoesNotContain(Token, listed, StringComparison.Ordinal);
        foreach (var store in Directory.EnumerateFiles(_center.DataDirectory, "center.db*"))
        {
            Assert.DoesNotContain(Token, await File.ReadAllTextAsync(store), StringComparison.Ordinal);
        }

        Assert.DoesNotContain(Token, _center.Logs.AllText, StringComparison.Ordinal);

        // Removed explicitly: the feed refuses the next sync, and the run says so.
        var removed = await admin.PutAsJsonAsync("/api/v1/sources/feed", Feed(new { remove = true }));
        Assert.True(removed.IsSuccessStatusCode, await removed.Content.ReadAsStringAsync());
        Assert.Empty((await TestCenter.Json(removed))["credentials"]!.AsObject());
        var refused = await TestCenter.Json(await admin.PostAsync("/api/v1/sources/feed/sync", null));
        Assert.Equal("Failed", (string?)refused["status"]);
        Assert.Contains("401", (string?)refused["error"], StringComparison.Ordinal);
        Assert.True(_feed.Refused > 0);
    }

    [Fact]
    public async Task Credentials_a_type_does_not_take_or_that_could_inject_headers_are_refused_beside_their_field()
    {
        using var admin = _center.Admin();
        var fs = await admin.PostAsJsonAsync("/api/v1/sources", new { name = "local", type = "fs", path = _root.Path, credentials = new { token = Token } });
        Assert.Equal(HttpStatusCode.BadRequest, fs.StatusCode);
        var errors = (await TestCenter.Json(fs))["errors"]!.AsArray();
        Assert.Contains(errors, e => (string?)e!["path"] == "$.credentials.token" && ((string?)e["message"])!.Contains("takes no credentials", StringComparison.Ordinal));

        var injected = await admin.PostAsJsonAsync("/api/v1/sources", Feed(new { token = "abc\r\nX-Evil: 1" }));
        Assert.Equal(HttpStatusCode.BadRequest, injected.StatusCode);
        var text = await injected.Content.ReadAsStringAsync();
        Assert.Contains("$.credentials.token", text, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Evil", text, StringComparison.Ordinal);

        var s3Keys = await admin.PostAsJsonAsync("/api/v1/sources", Feed(new { accessKeyId = "AKIA", secretAccessKey = "secret" }));
        Assert.Equal(HttpStatusCode.BadRequest, s3Keys.StatusCode);
        Assert.Contains("$.credentials.accessKeyId", await s3Keys.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sync_started_without_waiting_shows_each_package_as_it_is_handled_then_its_record()
    {
        await PublishAsync("1.0.0", "1.1.0");
        _feed.HoldPackage = "/packages/custom-hello-1.1.0.pbpkg";
        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/sources", Feed(null))).StatusCode);

        var started = await admin.PostAsync("/api/v1/sources/feed/sync?wait=false", null);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await TestCenter.Json(started);
        Assert.Equal("Running", (string?)run["status"]);
        var location = started.Headers.Location!.ToString();
        Assert.Equal($"/api/v1/sync-runs/{(long)run["id"]!}", location);

        // The feed holds 1.1.0: the run is still fetching, with 1.0.0 fetched and shown.
        await _feed.HeldRequested.WaitAsync(TimeSpan.FromSeconds(60));
        JsonObject? live = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                live = await _center.GetAsync(location);
                var packages = live["progress"]?["packages"]?.AsArray();
                return (string?)live["progress"]?["stage"] == "fetching" && packages is not null
                    && packages.Any(p => ((string?)p!["pluginId"])!.Contains("custom-hello-1.0.0", StringComparison.Ordinal) && (string?)p["outcome"] == "fetched");
            },
            () => $"the running sync never showed 1.0.0 fetched; last: {live}");
        Assert.Equal("Running", (string?)live!["status"]);
        Assert.Equal(2, (int)live["progress"]!["total"]!);
        var runs = await TestCenter.JsonArray(await admin.GetAsync("/api/v1/sync-runs?source=feed"));
        Assert.Equal("Running", (string?)runs[0]!["status"]);

        _feed.Release();
        JsonObject? done = null;
        await Eventually.HoldsAsync(async () => (string?)(done = await _center.GetAsync(location))["status"] != "Running", () => $"the sync never finished: {done}");
        Assert.Equal("Ok", (string?)done!["status"]);
        Assert.Null(done["progress"]);
        Assert.Equal(2, done["packages"]!.AsArray().Count(p => (string?)p!["outcome"] == "added"));
    }

    private object Feed(object? credentials, int syncIntervalSeconds = 0) => new
    {
        name = "feed",
        type = "http",
        url = _feed.BaseUrl + "/index.json",
        allowInsecure = true,
        syncIntervalSeconds,
        credentials,
    };

    /// <summary>Packs the hello fixture plugin in <paramref name="versions"/> into the feed and writes its index.</summary>
    private async Task PublishAsync(params string[] versions)
    {
        var packages = new List<(string, string, string)>();
        foreach (var version in versions)
        {
            packages.Add(("custom-hello", version, await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(version), _work.Path)));
        }

        await _feed.PublishAsync(packages);
    }
}

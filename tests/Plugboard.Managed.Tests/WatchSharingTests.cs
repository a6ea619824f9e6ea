using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Plugboard.Managed.Tests;

/// <summary>The watches of one scope share one computation of its desired state per change, and never answer a stale one.</summary>
public sealed class WatchSharingTests : IAsyncLifetime
{
    private const int Watchers = 20;
    private readonly TestCenter _center = new();
    private readonly TempFolder _work = new("watch-sharing");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _center.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task Every_watch_of_a_scope_receives_a_change_and_a_watch_right_after_the_next_change_sees_that_one()
    {
        var package = await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(), _work.Path);
        await _center.UploadAsync(package);
        var created = await _center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", scope = "fleet", config = new { greeting = "Howdy", apiKey = "fleet-api-key-1" } });
        using var admin = _center.Admin();
        var token = await admin.PostAsJsonAsync("/api/v1/tokens", new { name = "fleet-hosts", role = "host", scope = "fleet" });
        using var fleet = _center.WithToken((string)(await TestCenter.Json(token))["token"]!);
        EntityTagHeaderValue? etag = null;
        for (var i = 0; i < Watchers; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await fleet.PutAsJsonAsync($"/api/v1/hosts/fleet-{i}", new { scope = "fleet" })).StatusCode);
            etag = (await fleet.GetAsync($"/api/v1/hosts/fleet-{i}/desired")).Headers.ETag!;
        }

        var watches = Enumerable.Range(0, Watchers).Select(async i =>
        {
            using var watch = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/hosts/fleet-{i}/desired?wait=30");
            watch.Headers.IfNoneMatch.Add(etag!);
            return await fleet.SendAsync(watch);
        }).ToList();
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/installations/{created["id"]}", new { config = new { greeting = "Bonjour" } })).StatusCode);
        var answers = await Task.WhenAll(watches);
        foreach (var answer in answers)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("Bonjour", (string?)(await TestCenter.Json(answer))["installations"]![0]!["config"]!["greeting"]);
        }

        var bonjour = answers[0].Headers.ETag!;
        Assert.All(answers, a => Assert.Equal(bonjour, a.Headers.ETag));

        // Within the shared answer's lifetime: the next change is seen at once, not the answer shared a moment ago.
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync($"/api/v1/installations/{created["id"]}", new { config = new { greeting = "Hola" } })).StatusCode);
        using var next = new HttpRequestMessage(HttpMethod.Get, "/api/v1/hosts/fleet-0/desired?wait=0");
        next.Headers.IfNoneMatch.Add(bonjour);
        using var hola = await fleet.SendAsync(next);
        Assert.Equal(HttpStatusCode.OK, hola.StatusCode);
        Assert.Equal("Hola", (string?)(await TestCenter.Json(hola))["installations"]![0]!["config"]!["greeting"]);
        foreach (var answer in answers)
        {
            answer.Dispose();
        }
    }
}

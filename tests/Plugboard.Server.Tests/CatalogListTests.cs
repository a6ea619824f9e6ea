using System.Net;
using System.Net.Http.Json;

namespace Plugboard.Server.Tests;

/// <summary>GET /api/v1/plugins: one summary per plugin, its latest version by SemVer, paged by id, filtered or not.</summary>
public sealed class CatalogListTests : IAsyncLifetime
{
    private readonly TestCenter _center = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _center.DisposeAsync();

    [Fact]
    public async Task The_catalog_lists_each_plugin_once_with_its_highest_version_and_pages_by_id()
    {
        var packages = Directory.CreateDirectory(Path.Combine(_center.DataDirectory, "packages-in")).FullName;
        foreach (var version in new[] { "1.10.0", "1.2.0", "1.9.0" })
        {
            await _center.UploadAsync(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(version), packages));
        }

        using var admin = _center.Admin();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/plugins", new { id = "custom-remote", version = "2.0.0", serviceType = "fixture.greeter", endpoint = "grpc://127.0.0.1:5999" })).StatusCode);

        var first = await _center.GetAsync("/api/v1/plugins?pageSize=1&page=1");
        Assert.Equal(2, (int)first["total"]!);
        var hello = first["items"]!.AsArray().Single()!;
        Assert.Equal("custom-hello", (string?)hello["id"]);
        Assert.Equal("1.10.0", (string?)hello["latestVersion"]);
        Assert.Equal(3, (int)hello["versionCount"]!);
        Assert.Equal("Hello greeter", (string?)hello["displayName"]!["en"]);

        var second = await _center.GetAsync("/api/v1/plugins?pageSize=1&page=2");
        var remote = second["items"]!.AsArray().Single()!;
        Assert.Equal("custom-remote", (string?)remote["id"]);
        Assert.Equal("registered", (string?)remote["kind"]);
        Assert.Equal("endpoint", (string?)remote["runtime"]);

        var filtered = await _center.GetAsync("/api/v1/plugins?runtime=assembly");
        Assert.Equal(1, (int)filtered["total"]!);
        Assert.Equal("1.10.0", (string?)filtered["items"]![0]!["latestVersion"]);
    }
}

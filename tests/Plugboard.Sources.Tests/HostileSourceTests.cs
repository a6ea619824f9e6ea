using System.Text;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Sources.Http;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

/// <summary>
/// What a source, a feed or a package controlled by an attacker can try, against real servers on 127.0.0.1: each
/// test asserts what reached the server, the disk and the result, and that the other sources of the sync go on.
/// </summary>
public sealed class HostileSourceTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    /// <summary>Publishes a package on <paramref name="server"/> at <c>/packages/{file}</c>, returning its index entry (URL relative to the index).</summary>
    private async Task<HttpFeedPackage> PublishAsync(RawHttpServer server, string id, string version, string? absoluteBase = null)
    {
        var info = await TestPlugins.WritePackageAsync(_ws.Folder("packed"), id, version);
        var name = Path.GetFileName(info.Path!);
        server.Serve("/packages/" + name, await File.ReadAllBytesAsync(info.Path!));
        return new HttpFeedPackage { Id = id, Version = version, Digest = info.Digest.Value, Url = (absoluteBase is null ? "packages/" : absoluteBase + "/packages/") + name };
    }

    private static void ServeIndex(RawHttpServer server, params HttpFeedPackage[] packages)
        => server.Serve("/index.json", Encoding.UTF8.GetBytes(new HttpFeedIndex { Packages = packages }.ToJson()));

    private SourceOptions AddFeed(string name, RawHttpServer server)
    {
        var source = _ws.AddSource(name, "http", server.BaseUrl + "/index.json");
        source.AllowInsecure = true;
        return source;
    }

    [Fact]
    public async Task A_feed_token_goes_only_to_the_feed_origin_never_to_a_package_url_on_another_port()
    {
        await using var feed = RawHttpServer.Start();
        await using var other = RawHttpServer.Start();
        var own = await PublishAsync(feed, "custom-alpha", "1.0.0");
        var foreign = await PublishAsync(other, "custom-beta", "1.0.0", other.BaseUrl);
        ServeIndex(feed, own, foreign);
        var tokenFile = Path.Combine(_ws.Folder("secrets"), "token");
        await File.WriteAllTextAsync(tokenFile, "s3cret-token\n");
        AddFeed("feed", feed).Credentials.TokenFile = tokenFile;

        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(2, run["feed"].Added);
        Assert.Equal(2, feed.Requests.Count);
        Assert.All(feed.Requests, head => Assert.Contains("\r\nAuthorization: Bearer s3cret-token\r\n", head));
        var request = Assert.Single(other.Requests);
        Assert.DoesNotContain("Authorization", request, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("s3cret", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_holding_a_line_break_is_refused_at_configuration_time_and_nothing_is_sent()
    {
        await using var feed = RawHttpServer.Start();
        ServeIndex(feed, await PublishAsync(feed, "custom-alpha", "1.0.0"));
        var tokenFile = Path.Combine(_ws.Folder("secrets"), "token");
        await File.WriteAllTextAsync(tokenFile, "abc\r\nX-Injected: yes\n");
        AddFeed("feed", feed).Credentials.TokenFile = tokenFile;
        var git = _ws.AddSource("repo", "git", feed.BaseUrl + "/repo.git");
        git.AllowInsecure = true;
        git.Credentials.TokenFile = tokenFile;

        var refused = await Assert.ThrowsAsync<SourceConfigurationException>(() => _ws.SyncAsync());

        Assert.Equal(2, refused.Errors.Count(e => e.Contains(tokenFile, StringComparison.Ordinal) && e.Contains("control characters", StringComparison.Ordinal)));
        Assert.Contains(refused.Errors, e => e.StartsWith("Source 'feed'", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.StartsWith("Source 'repo'", StringComparison.Ordinal));
        Assert.DoesNotContain("X-Injected", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("abc", refused.Message, StringComparison.Ordinal);
        Assert.Empty(feed.Requests);
    }

    [Fact]
    public async Task A_manifest_with_a_byte_order_mark_packs_verifies_and_syncs_from_a_folder_and_a_feed()
    {
        var folder = _ws.Folder("fs");
        var plugin = TestPlugins.WriteFolder(folder, "custom-bom", "1.0.0");
        var manifest = Path.Combine(plugin, "plugin.yaml");
        await File.WriteAllBytesAsync(manifest, [0xEF, 0xBB, 0xBF, .. await File.ReadAllBytesAsync(manifest)]);
        var packed = await PackageWriter.PackAsync(plugin, Path.Combine(_ws.Folder("out"), "custom-bom-1.0.0.pbpkg"));
        await using var feed = RawHttpServer.Start();
        feed.Serve("/packages/custom-bom-1.0.0.pbpkg", await File.ReadAllBytesAsync(packed.Path!));
        ServeIndex(feed, new HttpFeedPackage { Id = "custom-bom", Version = "1.0.0", Digest = packed.Digest.Value, Url = "packages/custom-bom-1.0.0.pbpkg" });
        _ws.AddSource("local", "fs", folder);
        AddFeed("feed", feed);

        var verification = await PackageVerifier.VerifyAsync(packed.Path!);
        var run = await _ws.SyncAsync();

        Assert.True(verification.IsValid, string.Join("; ", verification.Problems.Select(p => p.Message)));
        Workspace.AssertOk(run);
        Assert.Equal(1, run["local"].Added);
        Assert.Equal(1, run["feed"].Added);
    }
}

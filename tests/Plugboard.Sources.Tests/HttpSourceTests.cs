using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Http;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

/// <summary>An http source reading a static feed served over HTTPS by Kestrel, with a throw-away CA.</summary>
public sealed class HttpSourceTests : IAsyncLifetime
{
    private readonly Workspace _ws = new();
    private TestCertificates _certificates = null!;
    private FeedServer _feed = null!;
    private string _root = null!;

    public async Task InitializeAsync()
    {
        _root = _ws.Folder("feed");
        _certificates = TestCertificates.Create(_ws.Folder("certs"));
        _feed = await FeedServer.StartAsync(_root, _certificates.Server);
    }

    public async Task DisposeAsync()
    {
        await _feed.DisposeAsync();
        _certificates.Dispose();
        _ws.Dispose();
    }

    private async Task PublishAsync(params (string Id, string Version)[] packages)
    {
        var entries = new List<HttpFeedPackage>();
        foreach (var (id, version) in packages)
        {
            var info = await TestPlugins.WritePackageAsync(Path.Combine(_root, "packages"), id, version);
            entries.Add(new HttpFeedPackage { Id = id, Version = version, Digest = info.Digest.Value, Url = "packages/" + Path.GetFileName(info.Path!) });
        }

        await WriteIndexAsync(entries);
    }

    private Task WriteIndexAsync(IReadOnlyList<HttpFeedPackage> packages)
        => File.WriteAllTextAsync(Path.Combine(_root, "index.json"), new HttpFeedIndex { Packages = packages }.ToJson());

    private SourceOptions AddFeed()
    {
        var source = _ws.AddSource("feed", "http", _feed.BaseUrl + "/index.json");
        source.CaBundle = _certificates.CaPemPath;
        return source;
    }

    [Fact]
    public async Task First_sync_downloads_every_package_listed()
    {
        await PublishAsync(("custom-alpha", "1.0.0"), ("custom-beta", "1.0.0"));
        AddFeed();

        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(2, _feed.PackageDownloads);
        Assert.Equal(["custom-alpha", "custom-beta"], (await _ws.ResolveAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task An_unchanged_feed_answers_not_modified_and_nothing_is_downloaded()
    {
        await PublishAsync(("custom-alpha", "1.0.0"), ("custom-beta", "1.0.0"));
        AddFeed();
        Workspace.AssertOk(await _ws.SyncAsync());

        var again = await _ws.SyncAsync();

        Workspace.AssertOk(again);
        Assert.Equal(0, again["feed"].RemoteFetches);
        Assert.Equal(2, _feed.PackageDownloads);
        Assert.Equal(2, _feed.Count("/index.json"));
        Assert.Equal(2, again["feed"].Unchanged);
    }

    [Fact]
    public async Task Only_packages_whose_digest_is_not_cached_are_downloaded()
    {
        await PublishAsync(("custom-alpha", "1.0.0"));
        AddFeed();
        Workspace.AssertOk(await _ws.SyncAsync());

        await PublishAsync(("custom-alpha", "1.0.0"), ("custom-beta", "1.0.0"));
        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(1, run["feed"].Added);
        Assert.Equal(1, _feed.Count("/packages/custom-alpha-1.0.0.pbpkg"));
        Assert.Equal(1, _feed.Count("/packages/custom-beta-1.0.0.pbpkg"));
    }

    [Fact]
    public async Task A_version_range_skips_unwanted_packages_without_downloading_them()
    {
        await PublishAsync(("custom-alpha", "1.0.0"), ("custom-alpha", "2.0.0"));
        AddFeed().Sets = [new PluginSetOptions { Version = "1.x" }];

        Workspace.AssertOk(await _ws.SyncAsync());

        Assert.Equal("1.0.0", Assert.Single(await _ws.ResolveAsync()).Version.ToFullString());
        Assert.Equal(0, _feed.Count("/packages/custom-alpha-2.0.0.pbpkg"));
    }

    [Fact]
    public async Task A_wrong_digest_in_the_index_is_refused()
    {
        var info = await TestPlugins.WritePackageAsync(Path.Combine(_root, "packages"), "custom-alpha", "1.0.0");
        var claimed = PackageDigest.FromHash(new byte[32]);
        await WriteIndexAsync([new HttpFeedPackage { Id = "custom-alpha", Version = "1.0.0", Digest = claimed.Value, Url = "packages/" + Path.GetFileName(info.Path!) }]);
        AddFeed();

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["feed"].Status);
        Assert.Contains(claimed.Value, run["feed"].Error);
        Assert.Contains(info.Digest.Value, run["feed"].Error);
    }

    [Fact]
    public async Task A_server_dying_mid_download_leaves_the_cache_loadable()
    {
        await PublishAsync(("custom-alpha", "1.0.0"));
        AddFeed();
        Workspace.AssertOk(await _ws.SyncAsync());
        var before = await _ws.ResolveAsync();

        await PublishAsync(("custom-alpha", "1.1.0"), ("custom-beta", "1.0.0"));
        _feed.BreakPackageDownloads = true;
        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["feed"].Status);
        Assert.Equal(before, await _ws.ResolveAsync());
    }

    [Fact]
    public async Task A_server_certificate_not_issued_by_the_ca_bundle_is_refused()
    {
        await PublishAsync(("custom-alpha", "1.0.0"));
        var source = AddFeed();
        using var other = TestCertificates.Create(_ws.Folder("other"), "other");
        source.CaBundle = other.CaPemPath;

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["feed"].Status);
        Assert.Contains("CaBundle", run["feed"].Error);
    }

    [Fact]
    public async Task A_plain_http_feed_is_refused_unless_allowed_and_then_warned_about()
    {
        await using var plain = await FeedServer.StartAsync(_root, certificate: null);
        await PublishAsync(("custom-alpha", "1.0.0"));
        var source = _ws.AddSource("plain", "http", plain.BaseUrl);

        var refused = await Assert.ThrowsAsync<SourceConfigurationException>(() => _ws.SyncAsync());
        Assert.Contains("http://", refused.Message);

        source.AllowInsecure = true;
        var run = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Contains(_ws.Logs.Messages, m => m.Level == Microsoft.Extensions.Logging.LogLevel.Warning && m.Message.Contains("plain", StringComparison.Ordinal));
    }
}

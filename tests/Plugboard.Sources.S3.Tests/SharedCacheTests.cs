using Plugboard.Sources.S3.Tests.Fixtures;

namespace Plugboard.Sources.S3.Tests;

/// <summary>Two hosts (two cache folders) sharing one S3 cache: packages, and optionally the index.</summary>
[Collection(S3rverCollection.Name)]
public sealed class SharedCacheTests(S3rverFixture s3) : IDisposable
{
    private readonly S3Workspace _first = new(s3);
    private S3Workspace? _second;

    public void Dispose()
    {
        _second?.Dispose();
        _first.Dispose();
    }

    /// <summary>A second host reading the same source prefix as the first.</summary>
    private S3Workspace SecondHost() => _second = new S3Workspace(s3, _first.Prefix);

    private string CachePrefix => _first.Prefix + "-cache";

    [Fact]
    public async Task A_package_one_host_stored_is_not_uploaded_again_by_another()
    {
        await s3.PublishAsync(_first.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        await s3.PublishAsync(_first.Key("custom-beta-1.0.0.pbpkg"), "custom-beta", "1.0.0");
        _first.AddSource();
        _first.UseS3Cache(CachePrefix);
        var second = SecondHost();
        second.AddSource();
        second.UseS3Cache(CachePrefix);

        S3Workspace.AssertOk(await _first.SyncAsync());
        S3Workspace.AssertOk(await second.SyncAsync());

        Assert.Equal(2, _first.Requests.PackageUploads);
        Assert.Equal(0, second.Requests.PackageUploads);
        Assert.Equal(2, (await s3.KeysAsync(CachePrefix + "/sha256/")).Count);
        Assert.Equal(["custom-alpha", "custom-beta"], (await second.ResolveAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task With_a_shared_index_a_host_that_never_synced_loads_what_another_synced_without_the_source()
    {
        await s3.PublishAsync(_first.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        _first.AddSource();
        _first.UseS3Cache(CachePrefix, shareIndex: true);
        S3Workspace.AssertOk(await _first.SyncAsync());
        await s3.DeleteAsync(_first.Key("custom-alpha-1.0.0.pbpkg"));

        var second = SecondHost();
        second.AddSource();
        second.UseS3Cache(CachePrefix, shareIndex: true);
        var plugins = await second.ResolveAsync();

        var plugin = Assert.Single(plugins);
        Assert.Equal("custom-alpha", plugin.Id);
        Assert.True(File.Exists(Path.Combine(plugin.Directory, "plugin.yaml")));
        Assert.StartsWith(second.Options.CacheDirectory, plugin.Directory, StringComparison.Ordinal);
        Assert.Equal(0, second.Requests.Count("GET", "custom-alpha-1.0.0.pbpkg"));
    }

    [Fact]
    public async Task With_a_shared_index_a_second_host_syncing_an_unchanged_source_downloads_and_uploads_no_package()
    {
        await s3.PublishAsync(_first.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        _first.AddSource();
        _first.UseS3Cache(CachePrefix, shareIndex: true);
        S3Workspace.AssertOk(await _first.SyncAsync());

        var second = SecondHost();
        second.AddSource();
        second.UseS3Cache(CachePrefix, shareIndex: true);
        var run = await second.SyncAsync();

        S3Workspace.AssertOk(run);
        Assert.Equal(1, run["bucket"].Unchanged);
        Assert.Equal(0, run["bucket"].PackagesFetched);
        Assert.Equal(0, second.Requests.Count("GET", "custom-alpha-1.0.0.pbpkg"));
        Assert.Equal(0, second.Requests.PackageUploads);
    }
}

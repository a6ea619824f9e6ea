using Plugboard.Packaging;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3.Tests.Fixtures;

namespace Plugboard.Sources.S3.Tests;

/// <summary>Packages kept by digest in a real s3rver bucket.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3BlobStoreTests : IDisposable
{
    private readonly S3rverFixture _s3;
    private readonly S3Workspace _ws;
    private readonly S3CacheOptions _options;
    private readonly Amazon.S3.IAmazonS3 _client;
    private readonly S3BlobStore _store;

    public S3BlobStoreTests(S3rverFixture s3)
    {
        _s3 = s3;
        _ws = new S3Workspace(s3);
        _options = _ws.CacheOptions(_ws.Prefix);
        _client = _ws.Clients.Create(_options);
        _store = new S3BlobStore(_client, _options);
    }

    public void Dispose()
    {
        _client.Dispose();
        _ws.Dispose();
    }

    private Task<PackageInfo> PackAsync(string id = "custom-alpha", string version = "1.0.0", string content = "one")
        => TestPlugins.PackAsync(Directory.CreateDirectory(_ws.Temp.Combine("packs", Guid.NewGuid().ToString("N"))).FullName, id, version, content);

    [Fact]
    public async Task A_stored_package_reads_back_byte_for_byte_with_its_signature()
    {
        var package = await PackAsync();
        var key = SigningKey.Generate();
        await key.SignPackageAsync(package.Path!);

        await _store.PutAsync(package.Digest, package.Path!, CancellationToken.None);
        var copy = _ws.Temp.Combine("out", "copy.pbpkg");
        await new S3BlobStore(_client, _options).CopyToAsync(package.Digest, copy, CancellationToken.None);

        Assert.Equal(1, _ws.Requests.PackageDownloads);
        Assert.True(await _store.ExistsAsync(package.Digest, CancellationToken.None));
        Assert.Equal(await File.ReadAllBytesAsync(package.Path!), await File.ReadAllBytesAsync(copy));
        Assert.Equal(await File.ReadAllBytesAsync(package.Path + ".sig"), await File.ReadAllBytesAsync(copy + ".sig"));
        Assert.Equal([$"{_ws.Prefix}/sha256/{package.Digest.Hex}.pbpkg", $"{_ws.Prefix}/sha256/{package.Digest.Hex}.pbpkg.sig"], await _s3.KeysAsync(_ws.Prefix + "/"));
        Assert.Equal([package.Digest], await _store.ListAsync(CancellationToken.None).ToListAsync());
        Assert.Null(_store.LocalPathOf(package.Digest));
    }

    [Fact]
    public async Task Storing_a_digest_already_stored_uploads_nothing()
    {
        var package = await PackAsync();
        await _store.PutAsync(package.Digest, package.Path!, CancellationToken.None);

        await _store.PutAsync(package.Digest, package.Path!, CancellationToken.None);

        Assert.Equal(1, _ws.Requests.PackageUploads);
    }

    [Fact]
    public async Task A_package_just_stored_is_read_back_from_the_local_file_not_downloaded()
    {
        var package = await PackAsync();
        await _store.PutAsync(package.Digest, package.Path!, CancellationToken.None);

        var copy = _ws.Temp.Combine("out", "copy.pbpkg");
        await _store.CopyToAsync(package.Digest, copy, CancellationToken.None);

        Assert.Equal(await File.ReadAllBytesAsync(package.Path!), await File.ReadAllBytesAsync(copy));
        Assert.Equal(0, _ws.Requests.PackageDownloads);
    }

    [Fact]
    public async Task A_package_stored_from_a_file_since_removed_is_downloaded()
    {
        var package = await PackAsync();
        await _store.PutAsync(package.Digest, package.Path!, CancellationToken.None);
        File.Delete(package.Path!);

        var copy = _ws.Temp.Combine("out", "copy.pbpkg");
        await _store.CopyToAsync(package.Digest, copy, CancellationToken.None);

        Assert.Equal(package.Digest, await PackageDigest.ComputeFileAsync(copy));
        Assert.Equal(1, _ws.Requests.PackageDownloads);
    }

    [Fact]
    public async Task A_file_whose_digest_is_not_the_one_given_is_not_stored()
    {
        var package = await PackAsync();
        var other = await PackAsync(content: "two");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _store.PutAsync(package.Digest, other.Path!, CancellationToken.None));

        Assert.Contains(other.Digest.Value, error.Message);
        Assert.False(await _store.ExistsAsync(package.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task Bytes_altered_in_the_bucket_are_refused_on_read_and_never_handed_over()
    {
        var package = await PackAsync();
        await _store.PutAsync(package.Digest, package.Path!, CancellationToken.None);
        var tampered = await File.ReadAllBytesAsync(package.Path!);
        tampered[^10] ^= 0xFF;
        await _s3.PutBytesAsync(_store.KeyOf(package.Digest), tampered);
        var target = _ws.Temp.Combine("out", "copy.pbpkg");
        var otherHost = new S3BlobStore(_client, _options);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => otherHost.CopyToAsync(package.Digest, target, CancellationToken.None));

        Assert.Contains(_store.KeyOf(package.Digest), error.Message);
        Assert.Contains(package.Digest.Value, error.Message);
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.EnumerateFiles(Path.GetDirectoryName(target)!));
    }

    [Fact]
    public async Task Reading_a_digest_not_stored_is_file_not_found()
    {
        var package = await PackAsync();

        var error = await Assert.ThrowsAsync<FileNotFoundException>(() => _store.CopyToAsync(package.Digest, _ws.Temp.Combine("x.pbpkg"), CancellationToken.None));

        Assert.Contains("Run a sync", error.Message);
        Assert.False(await _store.ExistsAsync(package.Digest, CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_keeps_shared_packages_unless_deletes_are_allowed()
    {
        var package = await PackAsync();
        await _store.PutAsync(package.Digest, package.Path!, CancellationToken.None);

        await _store.DeleteAsync(package.Digest, CancellationToken.None);
        Assert.True(await _store.ExistsAsync(package.Digest, CancellationToken.None));

        var deleting = new S3BlobStore(_client, _ws.CacheOptions(_ws.Prefix, allowDelete: true));
        await deleting.DeleteAsync(package.Digest, CancellationToken.None);
        Assert.False(await _store.ExistsAsync(package.Digest, CancellationToken.None));
        Assert.Empty(await _s3.KeysAsync(_ws.Prefix + "/"));
    }

    [Fact]
    public async Task An_unreachable_endpoint_is_an_io_error_naming_it()
    {
        var options = _ws.CacheOptions(_ws.Prefix);
        options.Endpoint = "http://127.0.0.1:1";
        using var client = _ws.Clients.Create(options);
        var store = new S3BlobStore(client, options);
        var package = await PackAsync();

        var error = await Assert.ThrowsAsync<IOException>(() => store.ExistsAsync(package.Digest, CancellationToken.None));

        Assert.Contains("S3 cache: cannot reach S3 at http://127.0.0.1:1", error.Message);
    }
}

using Plugboard.Sources.Cache;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3.Tests.Fixtures;

namespace Plugboard.Sources.S3.Tests;

/// <summary>The cache index kept as one object in a real s3rver bucket, written optimistically.</summary>
[Collection(S3rverCollection.Name)]
public sealed class S3CacheIndexStoreTests : IDisposable
{
    private readonly S3rverFixture _s3;
    private readonly S3Workspace _ws;
    private readonly Amazon.S3.IAmazonS3 _client;
    private readonly S3CacheOptions _options;

    public S3CacheIndexStoreTests(S3rverFixture s3)
    {
        _s3 = s3;
        _ws = new S3Workspace(s3);
        _options = _ws.CacheOptions(_ws.Prefix, shareIndex: true);
        _client = _ws.Clients.Create(_options);
    }

    public void Dispose()
    {
        _client.Dispose();
        _ws.Dispose();
    }

    private static CacheIndex IndexWith(string source, string id) => CacheIndex.Empty.With(new SourceRecord
    {
        Name = source,
        SyncedAt = DateTimeOffset.UnixEpoch,
        Packages =
        [
            new CacheEntry
            {
                Source = source, Set = ".", Id = id, Version = "1.0.0", Digest = "sha256:" + new string('a', 64),
                Origin = "s3://b/k", Fingerprint = "etag:x:1", Included = true,
            },
        ],
    });

    [Fact]
    public async Task An_index_never_written_reads_as_empty()
    {
        var store = new S3CacheIndexStore(_client, _options);

        var index = await store.ReadAsync(CancellationToken.None);

        Assert.Empty(index.Sources);
    }

    [Fact]
    public async Task A_written_index_reads_back_from_another_store()
    {
        var writer = new S3CacheIndexStore(_client, _options);
        await writer.ReadAsync(CancellationToken.None);
        await writer.WriteAsync(IndexWith("bucket", "custom-alpha"), CancellationToken.None);

        var read = await new S3CacheIndexStore(_client, _options).ReadAsync(CancellationToken.None);

        Assert.Equal("custom-alpha", Assert.Single(read.Entries).Id);
        Assert.Equal([$"{_ws.Prefix}/index.json"], await _s3.KeysAsync(_ws.Prefix + "/"));
    }

    [Fact]
    public async Task Successive_writes_of_one_store_follow_each_other()
    {
        var store = new S3CacheIndexStore(_client, _options);
        await store.ReadAsync(CancellationToken.None);

        await store.WriteAsync(IndexWith("one", "custom-alpha"), CancellationToken.None);
        await store.WriteAsync(IndexWith("two", "custom-beta"), CancellationToken.None);

        Assert.Equal("custom-beta", Assert.Single((await store.ReadAsync(CancellationToken.None)).Entries).Id);
    }

    [Fact]
    public async Task A_write_over_an_index_another_host_changed_since_reading_is_refused()
    {
        var first = new S3CacheIndexStore(_client, _options);
        var second = new S3CacheIndexStore(_client, _options);
        await first.ReadAsync(CancellationToken.None);
        await second.ReadAsync(CancellationToken.None);
        await second.WriteAsync(IndexWith("bucket", "custom-second"), CancellationToken.None);

        var error = await Assert.ThrowsAsync<S3IndexConflictException>(() => first.WriteAsync(IndexWith("bucket", "custom-first"), CancellationToken.None));

        Assert.Contains("changed by another host", error.Message);
        Assert.Contains("sync again", error.Message);
        Assert.Equal("custom-second", Assert.Single((await first.ReadAsync(CancellationToken.None)).Entries).Id);
    }

    [Fact]
    public async Task A_corrupt_index_says_to_delete_it()
    {
        await _s3.PutBytesAsync($"{_ws.Prefix}/index.json", "{ not json"u8.ToArray());

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => new S3CacheIndexStore(_client, _options).ReadAsync(CancellationToken.None));

        Assert.Contains($"s3://{S3rverFixture.BucketName}/{_ws.Prefix}/index.json", error.Message);
        Assert.Contains("delete it", error.Message);
    }
}

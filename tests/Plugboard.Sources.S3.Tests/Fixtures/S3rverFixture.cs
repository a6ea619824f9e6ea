using Amazon.S3;
using Amazon.S3.Model;
using Plugboard.Packaging;
using Plugboard.Sources.S3.Connection;

namespace Plugboard.Sources.S3.Tests.Fixtures;

/// <summary>One s3rver for every test of the collection; each test works under its own key prefix.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    public const string BucketName = "plugboard";

    /// <summary>Environment variables holding s3rver's keys, set for this test process only.</summary>
    public const string AccessKeyEnv = "PLUGBOARD_TEST_S3RVER_ACCESS_KEY";
    public const string SecretKeyEnv = "PLUGBOARD_TEST_S3RVER_SECRET_KEY";

    private IAmazonS3? _client;

    public S3rver Server { get; private set; } = null!;

    public string Endpoint => Server.Endpoint;

    /// <summary>A plain client for seeding and inspecting the bucket, not counted by any test.</summary>
    public IAmazonS3 Client => _client ??= new S3ClientFactory().Create(Connection());

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable(AccessKeyEnv, S3rver.AccessKey);
        Environment.SetEnvironmentVariable(SecretKeyEnv, S3rver.SecretKey);
        Server = await S3rver.StartAsync(BucketName);
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        await Server.DisposeAsync();
    }

    public S3ConnectionOptions Connection(string? prefix = null) => new()
    {
        Endpoint = Endpoint,
        Bucket = BucketName,
        Prefix = prefix,
        AllowInsecure = true,
        AccessKeyEnv = AccessKeyEnv,
        SecretKeyEnv = SecretKeyEnv,
    };

    public async Task PutFileAsync(string key, string path)
        => await Client.PutObjectAsync(new PutObjectRequest { BucketName = BucketName, Key = key, FilePath = path, UseChunkEncoding = false });

    public async Task PutBytesAsync(string key, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = BucketName, Key = key, InputStream = stream, UseChunkEncoding = false });
    }

    public async Task<byte[]> GetBytesAsync(string key)
    {
        using var response = await Client.GetObjectAsync(BucketName, key);
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    public async Task<IReadOnlyList<string>> KeysAsync(string prefix)
    {
        var response = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = BucketName, Prefix = prefix });
        return [.. (response.S3Objects ?? []).Select(o => o.Key).Order(StringComparer.Ordinal)];
    }

    public Task DeleteAsync(string key) => Client.DeleteObjectAsync(BucketName, key);

    /// <summary>Packs a plugin and uploads it as <paramref name="key"/>; signed when <paramref name="signer"/> is given.</summary>
    public async Task<PackageInfo> PublishAsync(string key, string id, string version, string content = "one", SigningKey? signer = null)
    {
        using var scratch = new TempFolder("publish");
        var info = await TestPlugins.PackAsync(scratch.Path, id, version, content);
        await PutFileAsync(key, info.Path!);
        if (signer is not null)
        {
            await signer.SignPackageAsync(info.Path!);
            await PutFileAsync(PackageFormat.SignaturePathFor(key), PackageFormat.SignaturePathFor(info.Path!));
        }

        return info;
    }
}

[CollectionDefinition(Name)]
public sealed class S3rverCollection : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}

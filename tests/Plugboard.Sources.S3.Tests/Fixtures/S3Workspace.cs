using Plugboard.Sources.Providers;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Resolution;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3.Connection;
using Plugboard.Sources.S3;
using Plugboard.Sources;
using Plugboard.Sources.Sync;

namespace Plugboard.Sources.S3.Tests.Fixtures;

/// <summary>
/// One "host": a temp cache folder, sources options being built up, the real sync runner and resolver over
/// them, S3 clients whose requests are recorded, and a key prefix of its own in the shared s3rver bucket.
/// </summary>
public sealed class S3Workspace : IDisposable
{
    private readonly S3rverFixture _server;

    public S3Workspace(S3rverFixture server, string? prefix = null)
    {
        _server = server;
        Prefix = prefix ?? "t-" + Guid.NewGuid().ToString("N")[..12];
        Options = new PlugboardSourcesOptions { CacheDirectory = Temp.Combine("cache") };
        Clients = new S3ClientFactory(Requests.Wrap);
    }

    public TempFolder Temp { get; } = new("ws");

    public LogCapture Logs { get; } = new();

    public RequestLog Requests { get; } = new();

    public S3ClientFactory Clients { get; }

    public string Prefix { get; }

    public PlugboardSourcesOptions Options { get; }

    /// <summary>The stores used instead of files for the cache, when set (an S3 blob store, an S3 index).</summary>
    public IBlobStore? Blobs { get; set; }

    public ICacheIndexStore? Index { get; set; }

    /// <summary>An s3 source over this workspace's prefix on s3rver, allowed plain HTTP.</summary>
    public SourceOptions AddSource(string name = "bucket", params PluginSetOptions[] sets)
    {
        var source = new SourceOptions
        {
            Name = name,
            Type = S3SourceProvider.TypeName,
            AllowInsecure = true,
            Sets = [.. sets],
            Settings = new(StringComparer.OrdinalIgnoreCase)
            {
                ["endpoint"] = _server.Endpoint,
                ["bucket"] = S3rverFixture.BucketName,
                ["prefix"] = Prefix,
                ["accessKeyEnv"] = S3rverFixture.AccessKeyEnv,
                ["secretKeyEnv"] = S3rverFixture.SecretKeyEnv,
            },
        };
        Options.Sources.Add(source);
        return source;
    }

    /// <summary>S3 cache options for a prefix of the bucket (shared by the workspaces that give the same prefix).</summary>
    public S3CacheOptions CacheOptions(string prefix, bool shareIndex = false, bool allowDelete = false) => new()
    {
        Endpoint = _server.Endpoint,
        Bucket = S3rverFixture.BucketName,
        Prefix = prefix,
        AllowInsecure = true,
        AccessKeyEnv = S3rverFixture.AccessKeyEnv,
        SecretKeyEnv = S3rverFixture.SecretKeyEnv,
        ShareIndex = shareIndex,
        AllowDelete = allowDelete,
    };

    /// <summary>Keeps this host's cache packages (and the index too when asked) in the bucket under <paramref name="prefix"/>.</summary>
    public void UseS3Cache(string prefix, bool shareIndex = false)
    {
        var options = CacheOptions(prefix, shareIndex);
        var client = Clients.Create(options);
        _clients.Add(client);
        Blobs = new S3BlobStore(client, options);
        Index = shareIndex ? new S3CacheIndexStore(client, options) : null;
    }

    private readonly List<IDisposable> _clients = [];

    public string Key(string relative) => $"{Prefix}/{relative}";

    public CacheStore Cache() => new(Options.CacheDirectory, Blobs, Index);

    public SyncRunner Runner() => new(Options, Cache(), [.. PluginSourceProviders.BuiltIn, new S3SourceProvider(Clients)], Logs.CreateFactory());

    public Task<SyncRun> SyncAsync() => Runner().SyncAsync();

    public Task<IReadOnlyList<ResolvedPlugin>> ResolveAsync() => new CachedPluginResolver(Cache(), Options).ResolveAsync();

    public static void AssertOk(SyncRun run)
    {
        foreach (var source in run.Sources)
        {
            Assert.True(source.Status == SourceSyncStatus.Ok, $"source {source.Source} failed: {source.Error}");
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        Temp.Dispose();
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plugboard.Server.Catalog;
using Plugboard.Server.Configuration;
using Plugboard.Server.Coordination;
using Plugboard.Sources.Cache;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3.Connection;

namespace Plugboard.Server.Tests;

/// <summary>
/// Two center replicas as real processes on one real PostgreSQL with the package cache on a real S3-compatible server
/// (s3rver), each replica on a data folder of its own: nothing is shared but the store and the bucket.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedCacheReplicaTests(PostgresServer postgres) : IAsyncLifetime
{
    private const string Bucket = "center-cache";
    private static readonly string SharedKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly TempFolder _folder = new("shared-cache");
    private readonly string _prefix = "centers/" + Guid.NewGuid().ToString("N")[..8];
    private S3rver _s3 = null!;
    private string _connection = null!;
    private CenterReplicas _replicas = null!;

    public async Task InitializeAsync()
    {
        Environment.SetEnvironmentVariable("PLUGBOARD_TEST_SHARED_CACHE_KEY", S3rver.AccessKey);
        Environment.SetEnvironmentVariable("PLUGBOARD_TEST_SHARED_CACHE_SECRET", S3rver.SecretKey);
        Directory.CreateDirectory(Path.Combine(_folder.Path, "contracts"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixture.Contracts.dll"), Path.Combine(_folder.Path, "contracts", "Fixture.Contracts.dll"));
        _s3 = await S3rver.StartAsync(Bucket);
        _connection = await postgres.CreateDatabaseAsync();
        _replicas = new CenterReplicas(_connection, SharedKey);
    }

    public async Task DisposeAsync()
    {
        _replicas?.Dispose();
        if (_s3 is not null)
        {
            await _s3.DisposeAsync();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task A_replica_killed_mid_installation_is_replaced_by_the_other_which_takes_the_package_from_the_bucket_and_realizes_it_once()
    {
        using var a = await StartAsync("replica-a");
        using var b = await StartAsync("replica-b");
        var package = await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(), _folder.Path);
        using (var content = new ByteArrayContent(await File.ReadAllBytesAsync(package)))
        {
            Assert.Equal(HttpStatusCode.Created, (await a.PostAsync("/api/v1/packages", content)).StatusCode);
        }

        // Uploaded through a, the package is in the bucket by digest, not only in a's folder.
        var digest = await Plugboard.Packaging.PackageDigest.ComputeFileAsync(package, CancellationToken.None);
        using var s3 = Client();
        await s3.GetObjectMetadataAsync(Bucket, $"{_prefix}/sha256/{digest.Hex}.pbpkg");

        var id = (string)(await TestCenter.Json(await b.PostAsJsonAsync("/api/v1/installations", new { plugin = "custom-hello", version = "1.0.0", config = new { greeting = "Hej" } })))["id"]!;
        var survivor = await _replicas.KillHolderMidInstallationAsync(a, b, id, "replica-a", "replica-b", "hello initialized with greeting Hej");
        var installation = await TestCenter.Json(await survivor.GetAsync($"/api/v1/installations/{id}"));
        Assert.Equal("Hej", (string?)installation["metadata"]!["greeting"]);
    }

    [Fact]
    public async Task A_sync_asked_of_both_replicas_at_once_runs_once_and_its_packages_are_in_the_bucket()
    {
        using var a = await StartAsync("replica-a");
        using var b = await StartAsync("replica-b");
        var feed = await FeedAsync("team", "1.0", 20);
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync("/api/v1/sources", new { name = "team", type = "fs", path = feed })).StatusCode);

        var runs = await CenterReplicas.SyncOnBothAtOnceAsync(a, b, "team");

        Assert.Equal((long)runs[0]["id"]!, (long)runs[1]["id"]!);
        Assert.Equal("Ok", (string?)runs[0]["status"]);
        Assert.Single(await TestCenter.JsonArray(await b.GetAsync("/api/v1/sync-runs?source=team")));
        Assert.Equal(20, runs[0]["packages"]!.AsArray().Count);

        var index = await IndexAsync();
        Assert.Equal(20, index.Find("team")!.Packages.Count(p => p.Included));
        using var s3 = Client();
        foreach (var entry in index.Find("team")!.Packages)
        {
            await s3.GetObjectMetadataAsync(Bucket, $"{_prefix}/sha256/{entry.PackageDigest.Hex}.pbpkg");
        }
    }

    [Fact]
    public async Task Two_sources_synced_at_once_on_two_replicas_both_end_up_in_the_shared_index()
    {
        using var a = await StartAsync("replica-a");
        using var b = await StartAsync("replica-b");
        var left = await FeedAsync("left", "1.0", 8);
        var right = await FeedAsync("right", "2.0", 8);
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync("/api/v1/sources", new { name = "left", type = "fs", path = left })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await a.PostAsJsonAsync("/api/v1/sources", new { name = "right", type = "fs", path = right })).StatusCode);

        // Different sources, different leases: the two syncs really run at once, each on its own replica.
        var answers = await Task.WhenAll(a.PostAsync("/api/v1/sources/left/sync", null), b.PostAsync("/api/v1/sources/right/sync", null));
        foreach (var answer in answers)
        {
            var run = await TestCenter.Json(answer);
            Assert.True((string?)run["status"] == "Ok", run.ToJsonString());
        }

        var index = await IndexAsync();
        Assert.Equal(8, index.Find("left")!.Packages.Count(p => p.Included));
        Assert.Equal(8, index.Find("right")!.Packages.Count(p => p.Included));
    }

    [Fact]
    public async Task Writers_racing_on_the_shared_index_under_the_store_lock_lose_no_entry_and_s3rver_is_found_to_ignore_conditional_writes()
    {
        var options = Options.Create(new CenterOptions
        {
            Data = _folder.Path,
            Store = new StoreOptions { Provider = "postgres", ConnectionString = _connection },
            Cache = new CenterCacheOptions { Type = "s3", S3 = S3Options() },
        });
        using var indexLock = new CacheIndexLock(options);
        using var cache = new CenterCache(options, indexLock, TimeProvider.System, NullLoggerFactory.Instance);
        await cache.StartAsync(CancellationToken.None);

        // s3rver 3.7 accepts If-Match / If-None-Match on PutObject and writes anyway: the probe must say so.
        Assert.False(cache.ConditionalWrites);

        const int Writers = 8;
        var read = 0;
        var allRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => Task.Run(async () =>
        {
            var store = cache.CreateStore();
            var index = await store.ReadIndexAsync();
            if (Interlocked.Increment(ref read) == Writers)
            {
                allRead.SetResult();
            }

            await allRead.Task.WaitAsync(TimeSpan.FromSeconds(60)); // every writer has read the same index before any writes
            await store.Index.WriteAsync(index.With(new SourceRecord { Name = $"writer-{i}", SyncedAt = DateTimeOffset.UnixEpoch }), CancellationToken.None);
        })));

        var after = await IndexAsync();
        Assert.Equal(Enumerable.Range(0, Writers).Select(i => $"writer-{i}").Order(), after.Sources.Select(s => s.Name).Order());
    }

    private Task<HttpClient> StartAsync(string name)
    {
        var data = Directory.CreateDirectory(Path.Combine(_folder.Path, name)).FullName;
        return _replicas.StartAsync(name, data, new Dictionary<string, string>
        {
            ["Plugboard__ContractsDirectory"] = Path.Combine(_folder.Path, "contracts"),
            ["Plugboard__Cache__Type"] = "s3",
            ["Plugboard__Cache__S3__Endpoint"] = _s3.Endpoint,
            ["Plugboard__Cache__S3__Bucket"] = Bucket,
            ["Plugboard__Cache__S3__Prefix"] = _prefix,
            ["Plugboard__Cache__S3__AllowInsecure"] = "true",
            // The keys from the environment, as a Kubernetes Secret gives them.
            ["AWS_ACCESS_KEY_ID"] = S3rver.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = S3rver.SecretKey,
        });
    }

    private async Task<string> FeedAsync(string name, string minor, int count)
    {
        var feed = Directory.CreateDirectory(Path.Combine(_folder.Path, "feeds", name)).FullName;
        for (var i = 0; i < count; i++)
        {
            File.Move(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml($"{minor}.{i}"), feed), Path.Combine(feed, $"custom-hello-{minor}.{i}.pbpkg"));
        }

        return feed;
    }

    private S3CacheOptions S3Options() => new()
    {
        Endpoint = _s3.Endpoint,
        Bucket = Bucket,
        Prefix = _prefix,
        AllowInsecure = true,
        AccessKeyEnv = "PLUGBOARD_TEST_SHARED_CACHE_KEY",
        SecretKeyEnv = "PLUGBOARD_TEST_SHARED_CACHE_SECRET",
    };

    private IAmazonS3 Client() => new S3ClientFactory().Create(S3Options());

    private async Task<CacheIndex> IndexAsync()
    {
        using var s3 = Client();
        using var response = await s3.GetObjectAsync(Bucket, $"{_prefix}/{S3CacheOptions.DefaultIndexKey}");
        return (await JsonSerializer.DeserializeAsync<CacheIndex>(response.ResponseStream, new JsonSerializerOptions(JsonSerializerDefaults.Web)))!;
    }
}

using System.Net;
using System.Net.Http.Json;
using Amazon.S3.Model;
using Plugboard.Sources.S3.Connection;

namespace Plugboard.Server.Tests;

/// <summary>An s3 source added through the center's API, its keys given as write-only credentials, synced from a real s3rver.</summary>
public sealed class S3SourceTests : IAsyncLifetime
{
    private const string Bucket = "center-plugins";
    private const string AccessKeyEnv = "PLUGBOARD_TEST_CENTER_S3_ACCESS_KEY";
    private const string SecretKeyEnv = "PLUGBOARD_TEST_CENTER_S3_SECRET_KEY";
    private readonly TestCenter _center = new();
    private readonly TempFolder _work = new("s3-source");
    private S3rver _s3 = null!;

    public async Task InitializeAsync() => _s3 = await S3rver.StartAsync(Bucket);

    public async Task DisposeAsync()
    {
        await _s3.DisposeAsync();
        await _center.DisposeAsync();
        _work.Dispose();
    }

    [Fact]
    public async Task An_s3_source_with_its_keys_as_credentials_syncs_into_the_catalog_and_never_shows_the_keys()
    {
        await PutAsync("plugins/prod/custom-hello-1.0.0.pbpkg", await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml("1.0.0"), _work.Path));
        using var admin = _center.Admin();
        var added = await admin.PostAsJsonAsync("/api/v1/sources", new
        {
            name = "bucket",
            type = "s3",
            allowInsecure = true,
            settings = new { bucket = Bucket, prefix = "plugins/prod", endpoint = _s3.Endpoint, forcePathStyle = "true" },
            credentials = new { accessKeyId = S3rver.AccessKey, secretAccessKey = S3rver.SecretKey },
        });
        var text = await added.Content.ReadAsStringAsync();
        Assert.True(added.StatusCode == HttpStatusCode.Created, text);
        var source = await TestCenter.Json(added);
        Assert.Equal("set", (string?)source["credentials"]!["accessKeyId"]);
        Assert.Equal("set", (string?)source["credentials"]!["secretAccessKey"]);
        Assert.Equal("plugins/prod", (string?)source["settings"]!["prefix"]);
        Assert.DoesNotContain(S3rver.SecretKey, text, StringComparison.Ordinal);

        var run = await TestCenter.Json(await admin.PostAsync("/api/v1/sources/bucket/sync", null));
        Assert.True((string?)run["status"] == "Ok", run.ToJsonString());
        Assert.Contains(run["packages"]!.AsArray(), p => (string?)p!["pluginId"] == "custom-hello" && (string?)p["outcome"] == "added");
        Assert.Equal("bucket", (string?)(await _center.GetAsync("/api/v1/plugins/custom-hello"))["versions"]![0]!["origin"]);
    }

    [Fact]
    public async Task An_s3_source_is_refused_with_the_field_that_is_wrong()
    {
        using var admin = _center.Admin();
        var refused = await admin.PostAsJsonAsync("/api/v1/sources", new
        {
            name = "bucket",
            type = "s3",
            settings = new { prefix = "plugins", endpoint = _s3.Endpoint, accessKeyEnv = "AWS_ACCESS_KEY_ID" },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var errors = (await TestCenter.Json(refused))["errors"]!.AsArray();
        Assert.Contains(errors, e => (string?)e!["path"] == "$.settings.accessKeyEnv");

        var noBucket = await admin.PostAsJsonAsync("/api/v1/sources", new { name = "bucket", type = "s3", settings = new { endpoint = _s3.Endpoint }, allowInsecure = true });
        Assert.Equal(HttpStatusCode.BadRequest, noBucket.StatusCode);
        Assert.Contains((await TestCenter.Json(noBucket))["errors"]!.AsArray(), e => (string?)e!["path"] == "$.settings.bucket");

        var insecure = await admin.PostAsJsonAsync("/api/v1/sources", new { name = "bucket", type = "s3", settings = new { bucket = Bucket, endpoint = _s3.Endpoint } });
        Assert.Equal(HttpStatusCode.BadRequest, insecure.StatusCode);
        Assert.Contains((await TestCenter.Json(insecure))["errors"]!.AsArray(), e => (string?)e!["path"] == "$.settings.endpoint" && ((string?)e["message"])!.Contains("AllowInsecure", StringComparison.Ordinal));
    }

    private async Task PutAsync(string key, string path)
    {
        Environment.SetEnvironmentVariable(AccessKeyEnv, S3rver.AccessKey);
        Environment.SetEnvironmentVariable(SecretKeyEnv, S3rver.SecretKey);
        using var client = new S3ClientFactory().Create(new S3ConnectionOptions
        {
            Endpoint = _s3.Endpoint, Bucket = Bucket, AllowInsecure = true, AccessKeyEnv = AccessKeyEnv, SecretKeyEnv = SecretKeyEnv,
        });
        await client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, FilePath = path, UseChunkEncoding = false });
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plugboard.Sources.Cache;
using Plugboard.Sources.DependencyInjection;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3.Connection;
using Plugboard.Sources.S3.Tests.Fixtures;
using Plugboard.Sources.Sync;

namespace Plugboard.Sources.S3.Tests;

/// <summary>The s3 source type and the S3 cache registered from configuration, as an operator writes it.</summary>
[Collection(S3rverCollection.Name)]
public sealed class DependencyInjectionTests(S3rverFixture s3) : IDisposable
{
    private readonly S3Workspace _ws = new(s3);

    public void Dispose() => _ws.Dispose();

    private ServiceProvider Build(bool shareIndex, Action<Dictionary<string, string?>>? change = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Plugboard:Sources:CacheDirectory"] = _ws.Options.CacheDirectory,
            ["Plugboard:Sources:Sources:0:Name"] = "plugins",
            ["Plugboard:Sources:Sources:0:Type"] = "s3",
            ["Plugboard:Sources:Sources:0:AllowInsecure"] = "true",
            ["Plugboard:Sources:Sources:0:Settings:endpoint"] = s3.Endpoint,
            ["Plugboard:Sources:Sources:0:Settings:bucket"] = S3rverFixture.BucketName,
            ["Plugboard:Sources:Sources:0:Settings:prefix"] = _ws.Prefix,
            ["Plugboard:Sources:Sources:0:Settings:accessKeyEnv"] = S3rverFixture.AccessKeyEnv,
            ["Plugboard:Sources:Sources:0:Settings:secretKeyEnv"] = S3rverFixture.SecretKeyEnv,
            ["Plugboard:Sources:Sources:0:Sets:0:Version"] = "^1.0",
            ["Plugboard:Cache:S3:Endpoint"] = s3.Endpoint,
            ["Plugboard:Cache:S3:Bucket"] = S3rverFixture.BucketName,
            ["Plugboard:Cache:S3:Prefix"] = _ws.Prefix + "-cache",
            ["Plugboard:Cache:S3:AllowInsecure"] = "true",
            ["Plugboard:Cache:S3:AccessKeyEnv"] = S3rverFixture.AccessKeyEnv,
            ["Plugboard:Cache:S3:SecretKeyEnv"] = S3rverFixture.SecretKeyEnv,
            ["Plugboard:Cache:S3:ShareIndex"] = shareIndex ? "true" : "false",
        };
        change?.Invoke(settings);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_ws.Clients);
        services.AddPlugboardSources(configuration.GetSection("Plugboard:Sources"));
        services.AddPlugboardS3();
        services.AddPlugboardS3Cache(configuration.GetSection("Plugboard:Cache:S3"));
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task A_configured_s3_source_syncs_into_the_s3_cache_through_the_registered_services()
    {
        await s3.PublishAsync(_ws.Key("custom-alpha-1.0.0.pbpkg"), "custom-alpha", "1.0.0");
        await s3.PublishAsync(_ws.Key("custom-alpha-2.0.0.pbpkg"), "custom-alpha", "2.0.0");
        using var services = Build(shareIndex: false);

        var run = await services.GetRequiredService<SyncRunner>().SyncAsync();

        S3Workspace.AssertOk(run);
        var cache = services.GetRequiredService<CacheStore>();
        Assert.IsType<S3BlobStore>(cache.Blobs);
        Assert.IsType<FileSystemCacheIndexStore>(cache.Index);
        Assert.Single(await s3.KeysAsync(_ws.Prefix + "-cache/sha256/"));
        Assert.Equal(1, _ws.Requests.Count("GET", "custom-alpha-1.0.0.pbpkg"));
        Assert.Equal(0, _ws.Requests.Count("GET", "custom-alpha-2.0.0.pbpkg"));
        Assert.Equal(1, _ws.Requests.PackageUploads);
        Assert.Equal(1, _ws.Requests.PackageDownloads);
    }

    [Fact]
    public void Share_index_keeps_the_index_in_the_bucket()
    {
        using var services = Build(shareIndex: true);

        var cache = services.GetRequiredService<CacheStore>();

        var index = Assert.IsType<S3CacheIndexStore>(cache.Index);
        Assert.Equal(_ws.Prefix + "-cache/index.json", index.Key);
    }

    [Fact]
    public void An_invalid_s3_cache_configuration_lists_every_problem_when_first_used()
    {
        using var services = Build(shareIndex: false, s =>
        {
            s.Remove("Plugboard:Cache:S3:Bucket");
            s["Plugboard:Cache:S3:AllowInsecure"] = "false";
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<CacheStore>());

        Assert.Contains(error.Failures, f => f.Contains("S3 cache: Bucket is required"));
        Assert.Contains(error.Failures, f => f.Contains("http://") && f.Contains("AllowInsecure"));
    }

    [Fact]
    public void The_s3_type_is_known_to_the_sources_validator_once_registered()
    {
        using var services = Build(shareIndex: false, s => s["Plugboard:Sources:Sources:0:Settings:bucket"] = "");

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<Configuration.PlugboardSourcesOptions>>().Value);

        Assert.Contains(error.Failures, f => f.Contains("Source 'plugins': Settings:Bucket is required"));
    }

    [Fact]
    public void A_registered_client_factory_is_used_by_the_source_type()
    {
        using var services = Build(shareIndex: false);

        Assert.Same(_ws.Clients, services.GetRequiredService<S3ClientFactory>());
    }
}

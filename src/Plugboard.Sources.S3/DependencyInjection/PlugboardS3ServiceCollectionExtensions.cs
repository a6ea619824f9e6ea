using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plugboard.Sources.Cache;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3.Connection;
using Plugboard.Sources.S3;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the <c>s3</c> source type and the S3 cache stores.</summary>
public static class PlugboardS3ServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>s3</c> source type to <c>AddPlugboardSources</c>. Register an <see cref="S3ClientFactory"/>
    /// singleton first to wrap the HTTP handler the S3 clients use.
    /// </summary>
    public static IServiceCollection AddPlugboardS3(this IServiceCollection services)
    {
        services.TryAddSingleton<S3ClientFactory>(_ => new S3ClientFactory());
        return services.AddPlugboardSourceType<S3SourceProvider>();
    }

    /// <summary>
    /// Keeps the cache's packages in a bucket shared by many hosts (and the index too when
    /// <see cref="S3CacheOptions.ShareIndex"/> is set), with options bound from <paramref name="configuration"/>
    /// (e.g. <c>configuration.GetSection("Plugboard:Cache:S3")</c>) and validated at start-up.
    /// </summary>
    public static IServiceCollection AddPlugboardS3Cache(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<S3CacheOptions>().Bind(configuration);
        return services.AddPlugboardS3CacheCore();
    }

    /// <summary>Keeps the cache in a bucket, configured in code.</summary>
    public static IServiceCollection AddPlugboardS3Cache(this IServiceCollection services, Action<S3CacheOptions> configure)
    {
        services.AddOptions<S3CacheOptions>().Configure(configure);
        return services.AddPlugboardS3CacheCore();
    }

    private static IServiceCollection AddPlugboardS3CacheCore(this IServiceCollection services)
    {
        services.AddOptions<S3CacheOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<S3CacheOptions>, S3CacheOptionsValidator>());
        services.TryAddSingleton<S3ClientFactory>(_ => new S3ClientFactory());
        services.TryAddSingleton(sp => new S3CacheClient(sp.GetRequiredService<S3ClientFactory>().Create(sp.GetRequiredService<IOptions<S3CacheOptions>>().Value)));
        services.AddSingleton<IBlobStore>(sp => CreateBlobStore(sp));
        // A factory may give null: CacheStore then keeps its index in the cache folder, as without S3.
        services.AddSingleton<ICacheIndexStore>(sp => CreateIndexStore(sp)!);
        return services;
    }

    private static S3BlobStore CreateBlobStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<S3CacheOptions>>().Value;
        var logger = services.GetRequiredService<ILoggerFactory>();
        WarnIfInsecure(options, logger.CreateLogger<S3BlobStore>());
        return new S3BlobStore(services.GetRequiredService<S3CacheClient>().Client, options, logger.CreateLogger<S3BlobStore>());
    }

    private static S3CacheIndexStore? CreateIndexStore(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<S3CacheOptions>>().Value;
        return options.ShareIndex
            ? new S3CacheIndexStore(services.GetRequiredService<S3CacheClient>().Client, options, services.GetRequiredService<ILoggerFactory>().CreateLogger<S3CacheIndexStore>())
            : null;
    }

    private static void WarnIfInsecure(S3CacheOptions options, ILogger logger)
    {
        if (options.AllowInsecure)
        {
            logger.LogWarning(
                "The S3 cache allows insecure transport (AllowInsecure: true); {Endpoint} may be used without TLS, so packages could be altered in transit (reads are still checked against their digests). Remove AllowInsecure once the endpoint serves https.",
                options.Endpoint);
        }
    }

    /// <summary>The S3 client of the cache stores, disposed with the service provider.</summary>
    private sealed class S3CacheClient(IAmazonS3 client) : IDisposable
    {
        public IAmazonS3 Client { get; } = client;

        public void Dispose() => Client.Dispose();
    }
}

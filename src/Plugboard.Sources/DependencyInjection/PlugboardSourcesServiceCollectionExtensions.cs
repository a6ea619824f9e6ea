using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Resolution;
using Plugboard.Sources;
using Plugboard.Sources.Fs;
using Plugboard.Sources.Git;
using Plugboard.Sources.Http;
using Plugboard.Sources.DependencyInjection;
using Plugboard.Sources.Sync;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers sources, cache, sync and resolver in a service collection.</summary>
public static class PlugboardSourcesServiceCollectionExtensions
{
    /// <summary>
    /// Adds Plugboard sources bound from <paramref name="configuration"/> (e.g. <c>configuration.GetSection("Plugboard:Sources")</c>),
    /// validated at start-up with every error listed, and the background sync loop (<see cref="SyncBackgroundService"/>, a
    /// singleton hosts can inject to call <see cref="SyncBackgroundService.SyncNowAsync"/>). Register it before
    /// <c>AddPlugboard</c> and give the host <see cref="PlugboardSourcesOptions.ResolvedCurrentDirectory"/> as its
    /// plugins directory: the current view is built from the cache before the host starts loading.
    /// </summary>
    public static IServiceCollection AddPlugboardSources(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlugboardSourcesOptions>().Bind(configuration);
        return services.AddPlugboardSourcesCore();
    }

    /// <summary>Adds Plugboard sources configured in code.</summary>
    public static IServiceCollection AddPlugboardSources(this IServiceCollection services, Action<PlugboardSourcesOptions> configure)
    {
        services.AddOptions<PlugboardSourcesOptions>().Configure(configure);
        return services.AddPlugboardSourcesCore();
    }

    /// <summary>
    /// Adds a source type (e.g. <c>s3</c> from Plugboard.Sources.S3). To keep packages or the index elsewhere, register an
    /// <see cref="IBlobStore"/> and/or <see cref="ICacheIndexStore"/> singleton; the cache uses them instead of files.
    /// </summary>
    public static IServiceCollection AddPlugboardSourceType<TProvider>(this IServiceCollection services)
        where TProvider : class, IPluginSourceProvider
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPluginSourceProvider, TProvider>());
        return services;
    }

    private static IServiceCollection AddPlugboardSourcesCore(this IServiceCollection services)
    {
        services.AddOptions<PlugboardSourcesOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PlugboardSourcesOptions>, PlugboardSourcesOptionsValidator>());
        services.AddPlugboardSourceType<FsSourceProvider>();
        services.AddPlugboardSourceType<GitSourceProvider>();
        services.AddPlugboardSourceType<HttpSourceProvider>();
        services.TryAddSingleton(sp => new CacheStore(
            sp.GetRequiredService<IOptions<PlugboardSourcesOptions>>().Value.CacheDirectory,
            sp.GetService<IBlobStore>(),
            sp.GetService<ICacheIndexStore>()));
        services.TryAddSingleton(sp => new SyncRunner(
            sp.GetRequiredService<IOptions<PlugboardSourcesOptions>>(),
            sp.GetRequiredService<CacheStore>(),
            sp.GetServices<IPluginSourceProvider>(),
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddSingleton(sp => new CachedPluginResolver(
            sp.GetRequiredService<CacheStore>(),
            sp.GetRequiredService<IOptions<PlugboardSourcesOptions>>(),
            sp.GetRequiredService<ILogger<CachedPluginResolver>>()));
        services.TryAddSingleton(sp => new CurrentPluginsDirectory(
            sp.GetRequiredService<IOptions<PlugboardSourcesOptions>>().Value.ResolvedCurrentDirectory,
            sp.GetRequiredService<ILogger<CurrentPluginsDirectory>>()));
        // One instance, both injectable (to call SyncNowAsync or watch Synced) and run by the host.
        services.TryAddSingleton<SyncBackgroundService>();
        services.AddHostedService(sp => sp.GetRequiredService<SyncBackgroundService>());
        return services;
    }
}

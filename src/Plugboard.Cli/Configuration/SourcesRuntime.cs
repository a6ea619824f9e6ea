using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plugboard.Cli.Console;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.DependencyInjection;
using Plugboard.Sources;
using Plugboard.Sources.Sync;

namespace Plugboard.Cli.Configuration;

/// <summary>
/// The cache and the sync runner, composed by the same registrations a host uses (<c>AddPlugboardSources</c>,
/// <c>AddPlugboardS3</c>, and <c>AddPlugboardS3Cache</c> when <c>Plugboard:Cache:S3</c> is configured) from the
/// configuration the CLI loaded (paths already resolved against the configuration file's folder).
/// </summary>
internal sealed class SourcesRuntime : IDisposable
{
    /// <summary>The configuration section of the S3 cache.</summary>
    public const string S3CacheSection = "Plugboard:Cache:S3";

    private readonly ServiceProvider _services;

    private SourcesRuntime(ServiceProvider services, CacheStore cache)
    {
        _services = services;
        Cache = cache;
    }

    public CacheStore Cache { get; }

    /// <param name="configuration">The loaded configuration.</param>
    /// <param name="loggerFactory">Where the stores and the runner log.</param>
    /// <param name="checkSources">Check the whole sources configuration first (for a sync); otherwise only a cache folder is needed.</param>
    /// <exception cref="SourceConfigurationException">The sources configuration is invalid; every problem is listed.</exception>
    /// <exception cref="CliException">The S3 cache options are invalid; every problem is listed.</exception>
    public static SourcesRuntime Create(CliConfiguration configuration, ILoggerFactory loggerFactory, bool checkSources = false)
    {
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

        // The options as the CLI loaded them; it checks the sources itself (only a sync needs them valid).
        services.AddSingleton<IOptions<PlugboardSourcesOptions>>(Options.Create(configuration.Sources));
        services.AddPlugboardSources(_ => { });
        services.RemoveAll<IValidateOptions<PlugboardSourcesOptions>>();
        services.AddPlugboardS3();
        var s3Cache = configuration.Configuration.GetSection(S3CacheSection);
        if (s3Cache.Exists())
        {
            services.AddPlugboardS3Cache(s3Cache);
        }

        var provider = services.BuildServiceProvider();
        try
        {
            if (checkSources)
            {
                var sourceErrors = PlugboardSourcesOptionsValidator.Check(configuration.Sources, provider.GetServices<IPluginSourceProvider>().ToList());
                if (sourceErrors.Count > 0)
                {
                    throw new SourceConfigurationException(sourceErrors);
                }
            }

            return new SourcesRuntime(provider, provider.GetRequiredService<CacheStore>());
        }
        catch (OptionsValidationException ex)
        {
            provider.Dispose();
            throw new CliException($"{configuration.Describe()}, section {S3CacheSection}, is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, ex.Failures.Select(e => "  - " + e))}");
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    /// <summary>The runner over <see cref="Cache"/> with every source type.</summary>
    public SyncRunner CreateRunner() => _services.GetRequiredService<SyncRunner>();

    public void Dispose() => _services.Dispose();
}

using Amazon.S3;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Plugboard.Cli.Console;
using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.S3.Cache;
using Plugboard.Sources.S3.Connection;
using Plugboard.Sources.S3.Sources;
using Plugboard.Sources.Sources;
using Plugboard.Sources.Sync;

namespace Plugboard.Cli.Configuration;

/// <summary>
/// The cache and the sync runner as a host builds them from the same configuration: every source type
/// (fs, git, http and s3), and the cache's packages (and index) in a bucket when <c>Plugboard:Cache:S3</c>
/// is configured, as <c>AddPlugboardS3Cache</c> does for a host.
/// </summary>
internal sealed class SourcesRuntime : IDisposable
{
    /// <summary>The configuration section of the S3 cache.</summary>
    public const string S3CacheSection = "Plugboard:Cache:S3";

    private readonly IAmazonS3? _client;

    private SourcesRuntime(CacheStore cache, IReadOnlyList<IPluginSourceProvider> providers, IAmazonS3? client)
    {
        Cache = cache;
        Providers = providers;
        _client = client;
    }

    public CacheStore Cache { get; }

    public IReadOnlyList<IPluginSourceProvider> Providers { get; }

    /// <param name="configuration">The loaded configuration.</param>
    /// <param name="loggerFactory">Where the stores and the runner log.</param>
    /// <param name="checkSources">Check the whole sources configuration first (for a sync); otherwise only a cache folder is needed.</param>
    /// <exception cref="SourceConfigurationException">The sources configuration is invalid; every problem is listed.</exception>
    /// <exception cref="CliException">The S3 cache options are invalid; every problem is listed.</exception>
    public static SourcesRuntime Create(CliConfiguration configuration, ILoggerFactory loggerFactory, bool checkSources = false)
    {
        IReadOnlyList<IPluginSourceProvider> providers = [.. PluginSourceProviders.BuiltIn, new S3SourceProvider()];
        var sourceErrors = checkSources ? PlugboardSourcesOptionsValidator.Check(configuration.Sources, providers) : [];
        if (sourceErrors.Count > 0)
        {
            throw new SourceConfigurationException(sourceErrors);
        }

        var section = configuration.Configuration.GetSection(S3CacheSection);
        if (!section.Exists())
        {
            return new SourcesRuntime(new CacheStore(configuration.Sources.CacheDirectory), providers, null);
        }

        var options = new S3CacheOptions();
        section.Bind(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new CliException($"{configuration.Describe()}, section {S3CacheSection}, is invalid:{Environment.NewLine}{string.Join(Environment.NewLine, errors.Select(e => "  - " + e))}");
        }

        if (options.AllowInsecure)
        {
            loggerFactory.CreateLogger<SourcesRuntime>().LogWarning("The S3 cache allows insecure transport (AllowInsecure: true); {Endpoint} may be used without TLS.", options.Endpoint);
        }

        var client = new S3ClientFactory().Create(options);
        var blobs = new S3BlobStore(client, options, loggerFactory.CreateLogger<S3BlobStore>());
        var index = options.ShareIndex ? new S3CacheIndexStore(client, options, loggerFactory.CreateLogger<S3CacheIndexStore>()) : null;
        return new SourcesRuntime(new CacheStore(configuration.Sources.CacheDirectory, blobs, index), providers, client);
    }

    /// <summary>A runner over <see cref="Cache"/> with every source type.</summary>
    public SyncRunner CreateRunner(CliConfiguration configuration, ILoggerFactory loggerFactory)
        => new(configuration.Sources, Cache, Providers, loggerFactory);

    public void Dispose() => _client?.Dispose();
}

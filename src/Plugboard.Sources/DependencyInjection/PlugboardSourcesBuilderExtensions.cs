using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Plugboard.Hosting;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Remote loading for a Plugboard host in one call.</summary>
public static class PlugboardSourcesBuilderExtensions
{
    /// <summary>
    /// Loads the host's plugins from remote sources (git, http, fs; s3 with <c>AddPlugboardS3</c>) through the local
    /// cache: adds the sources bound from <paramref name="configuration"/> (usually
    /// <c>configuration.GetSection("Plugboard:Sources")</c>, validated at start-up), points the plugin host at the
    /// cache's current view with hot reload, builds that view from the cache before any plugin loads (no network:
    /// a host starts with every source down), syncs on start and on the interval, has the host take up each sync
    /// at once, and registers <see cref="RemotePluginsReadiness"/> to await the first sync.
    /// <code>
    /// services.AddPlugboard(configuration.GetSection("Plugboard"))
    ///     .AddContract&lt;IDataSource&gt;()
    ///     .AddSources(configuration.GetSection("Plugboard:Sources"));
    /// </code>
    /// </summary>
    /// <param name="builder">The Plugboard builder.</param>
    /// <param name="configuration">The sources section.</param>
    public static PlugboardBuilder AddSources(this PlugboardBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddPlugboardSources(configuration);
        return builder.AddSourcesCore();
    }

    /// <summary>Loads the host's plugins from remote sources configured in code (see the other overload).</summary>
    /// <param name="builder">The Plugboard builder.</param>
    /// <param name="configure">Sets the sources options.</param>
    public static PlugboardBuilder AddSources(this PlugboardBuilder builder, Action<PlugboardSourcesOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.AddPlugboardSources(configure);
        return builder.AddSourcesCore();
    }

    private static PlugboardBuilder AddSourcesCore(this PlugboardBuilder builder)
    {
        // PostConfigure: the current view wins over a PluginsDirectory from appsettings.json or the command line.
        builder.Services.AddOptions<PlugboardOptions>().PostConfigure<IOptions<PlugboardSourcesOptions>>((plugboard, sources) =>
        {
            plugboard.PluginsDirectory = sources.Value.ResolvedCurrentDirectory;
            plugboard.WatchForChanges = true;

            // The sources cache is the host's own folder: parsed manifests are kept there, so a restart parses no YAML.
            plugboard.ManifestCacheDirectory ??= Path.Combine(sources.Value.CacheDirectory, "manifests");
        });
        builder.Services.TryAddSingleton<RemotePluginsReadiness>();
        if (!builder.Services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(RemotePluginsStartup)))
        {
            // After the plugin host's hosted service (AddPlugboard came first): it starts once the cache is loaded.
            builder.Services.AddHostedService<RemotePluginsStartup>();
        }

        return builder;
    }
}

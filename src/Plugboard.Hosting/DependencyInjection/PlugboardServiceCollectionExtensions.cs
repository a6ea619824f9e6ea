using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plugboard.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Plugboard to a service collection.</summary>
public static class PlugboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the plugin host (a <see cref="PluginHost"/> singleton, on the <see cref="TimeProvider"/> registered in the
    /// services or the system's), a hosted service that loads the plugins at start and unloads them at stop, and the
    /// options, checked at start-up by <see cref="PlugboardOptionsValidator"/>. Declare contracts on the returned builder:
    /// <code>
    /// services.AddPlugboard(options =&gt; options.PluginsDirectory = "plugins")
    ///     .AddContract&lt;IDataSource&gt;()
    ///     .AddBuiltIn&lt;IDataSource, LocalCsvDataSource&gt;("local");
    /// </code>
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options; may be null.</param>
    public static PlugboardBuilder AddPlugboard(this IServiceCollection services, Action<PlugboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var setup = services.FirstOrDefault(d => d.ServiceType == typeof(PlugboardSetup))?.ImplementationInstance as PlugboardSetup;
        if (setup is null)
        {
            setup = new PlugboardSetup();
            services.AddSingleton(setup);
            services.AddOptions<PlugboardOptions>().ValidateOnStart();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PlugboardOptions>, PlugboardOptionsValidator>());
            services.TryAddSingleton(sp =>
            {
                var host = new PluginHost(
                    sp.GetRequiredService<IOptions<PlugboardOptions>>().Value,
                    sp.GetService<ILoggerFactory>(),
                    sp,
                    sp.GetService<TimeProvider>());
                var recorded = sp.GetRequiredService<PlugboardSetup>();
                foreach (var step in recorded.Steps)
                {
                    step(host);
                }

                foreach (var step in recorded.ServiceSteps)
                {
                    step(host, sp);
                }

                return host;
            });
            services.AddHostedService<PlugboardHostedService>();
        }

        if (configure is not null)
        {
            services.Configure(configure);
        }

        return new PlugboardBuilder(services, setup);
    }

    /// <summary>
    /// Adds Plugboard with options bound from a configuration section (usually
    /// <c>configuration.GetSection("Plugboard")</c>), including each plugin's <c>Plugins:{id}:Enabled</c> and
    /// <c>Plugins:{id}:Configuration</c> (any shape; converted to the config schema's types); <paramref name="configure"/> runs after.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="section">The configuration section.</param>
    /// <param name="configure">Adjusts the options after they are read; may be null.</param>
    public static PlugboardBuilder AddPlugboard(this IServiceCollection services, IConfiguration section, Action<PlugboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddPlugboard();
        services.AddOptions<PlugboardOptions>()
            .Bind(section)
            .Configure(options => PluginSettingsConfiguration.Read(section, options));
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return builder;
    }
}

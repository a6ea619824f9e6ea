using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plugboard.Hosting;
using Plugboard.Hosting.Managed;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary><c>AddPlugboard(…).UseCenter(…)</c>: the host runs what a plugin center assigns to its scope.</summary>
public static class ManagedPlugboardBuilderExtensions
{
    /// <summary>Runs the installations of <paramref name="scope"/> from the center at <paramref name="url"/>, with a host token.</summary>
    /// <param name="builder">The Plugboard builder.</param>
    /// <param name="url">The center, https:// (http:// only on loopback).</param>
    /// <param name="token">A host token bound to <paramref name="scope"/>.</param>
    /// <param name="scope">The scope.</param>
    /// <param name="configure">Further settings (name, state folder, intervals).</param>
    public static PlugboardBuilder UseCenter(this PlugboardBuilder builder, Uri url, string token, string scope, Action<ManagedHostOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseCenter(options =>
        {
            options.Url = url;
            options.Token = token;
            options.Scope = scope;
            configure?.Invoke(options);
        });
    }

    /// <summary>Runs the installations the center assigns, with settings from <paramref name="section"/> (<c>Plugboard:Center</c>: Url, Token or TokenFile, Scope, Name).</summary>
    /// <param name="builder">The Plugboard builder.</param>
    /// <param name="section">The configuration section.</param>
    public static PlugboardBuilder UseCenter(this PlugboardBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);
        builder.Services.AddOptions<ManagedHostOptions>().Bind(section);
        return builder.UseCenter(_ => { });
    }

    /// <summary>Runs the installations the center assigns, with settings given in code.</summary>
    /// <param name="builder">The Plugboard builder.</param>
    /// <param name="configure">The settings.</param>
    public static PlugboardBuilder UseCenter(this PlugboardBuilder builder, Action<ManagedHostOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<ManagedHostOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ManagedHostOptions>, ManagedHostOptionsValidator>());

        // The host loads the current/ folder the managed loop fills; the loop tells it when to (no folder watching).
        services.AddOptions<PlugboardOptions>().PostConfigure<IOptions<ManagedHostOptions>>((plugboard, managed) =>
        {
            plugboard.PluginsDirectory = Path.Combine(managed.Value.ResolvedStateDirectory, "current");
            plugboard.WatchForChanges = false;
        });
        services.TryAddSingleton(TimeProvider.System);
        if (!services.Any(d => d.ServiceType == typeof(ManagedHostService)))
        {
            services.AddSingleton<ManagedHostService>();
            services.AddHostedService(sp => sp.GetRequiredService<ManagedHostService>());
        }

        return builder;
    }
}

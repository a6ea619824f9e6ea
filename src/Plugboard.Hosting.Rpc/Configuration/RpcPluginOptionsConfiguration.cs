using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Plugboard.Hosting.Rpc.Configuration;

/// <summary>
/// Reads <see cref="RpcPluginOptions"/> from configuration: the section's keys set every plugin's defaults
/// (<c>Plugboard:Rpc:CallTimeout = 00:00:30</c>), and <c>Plugins:&lt;plugin id&gt;</c> under it sets one plugin's
/// (<c>Plugboard:Rpc:Plugins:custom-ldap:RestartDelay = 00:00:02</c>). Property names are the keys; times are
/// <c>hh:mm:ss[.fff]</c>.
/// </summary>
internal sealed class RpcPluginOptionsConfiguration(IConfiguration section) : IConfigureNamedOptions<RpcPluginOptions>
{
    public void Configure(RpcPluginOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, RpcPluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        section.Bind(options);
        if (!string.IsNullOrEmpty(name))
        {
            section.GetSection("Plugins").GetSection(name).Bind(options);
        }
    }
}

/// <summary>Refuses options a plugin cannot run with, naming the plugin and the key to fix.</summary>
internal sealed class RpcPluginOptionsValidation : IValidateOptions<RpcPluginOptions>
{
    public ValidateOptionsResult Validate(string? name, RpcPluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var who = string.IsNullOrEmpty(name) ? "every plugin" : $"plugin '{name}'";
        var failures = new List<string>();
        void Positive(TimeSpan value, string key)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{key} of {who} is {value}; it must be positive (e.g. 00:00:30)");
            }
        }

        Positive(options.CallTimeout, nameof(options.CallTimeout));
        Positive(options.StartTimeout, nameof(options.StartTimeout));
        Positive(options.HealthCheckInterval, nameof(options.HealthCheckInterval));
        Positive(options.HealthCheckTimeout, nameof(options.HealthCheckTimeout));
        Positive(options.ShutdownTimeout, nameof(options.ShutdownTimeout));
        Positive(options.ShutdownGrace, nameof(options.ShutdownGrace));
        if (options.RestartDelay < TimeSpan.Zero || options.MaxRestartDelay < options.RestartDelay)
        {
            failures.Add($"RestartDelay ({options.RestartDelay}) and MaxRestartDelay ({options.MaxRestartDelay}) of {who} must satisfy 0 <= RestartDelay <= MaxRestartDelay");
        }

        if (options.RestartJitter is < 0 or > 1)
        {
            failures.Add($"RestartJitter of {who} is {options.RestartJitter}; it is a fraction of the delay between 0 and 1 (0.2 = ±20 %)");
        }

        if (options.MinPort is < 1 or > 65535 || options.MaxPort is < 1 or > 65535 || options.MinPort > options.MaxPort)
        {
            failures.Add($"MinPort ({options.MinPort}) and MaxPort ({options.MaxPort}) of {who} must be ports with MinPort <= MaxPort");
        }

        if (options.MaxMessageSize <= 0)
        {
            failures.Add($"MaxMessageSize of {who} is {options.MaxMessageSize}; it must be a positive number of bytes (default 4194304)");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

using Microsoft.Extensions.Options;
using Plugboard.Hosting.Rpc;

namespace Plugboard.Server.Realization;

/// <summary>
/// The options of the center's process and endpoint plugins from <c>Plugboard:Rpc</c>, as a host reads them: the
/// section's keys are every plugin's defaults (<c>Plugboard:Rpc:RestartDelay = 00:00:01</c>), and
/// <c>Plugboard:Rpc:Plugins:&lt;plugin id&gt;</c> sets one plugin's. Plugboard.Hosting.Rpc checks them at start.
/// </summary>
internal sealed class RpcOptionsConfiguration(IConfiguration configuration) : IConfigureNamedOptions<RpcPluginOptions>
{
    /// <summary>The section.</summary>
    public const string Section = "Plugboard:Rpc";

    public void Configure(RpcPluginOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, RpcPluginOptions options)
    {
        var section = configuration.GetSection(Section);
        section.Bind(options);
        if (!string.IsNullOrEmpty(name))
        {
            section.GetSection("Plugins").GetSection(name).Bind(options);
        }
    }
}

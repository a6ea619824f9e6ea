using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plugboard.Rpc.Server;

namespace Plugboard.PluginSdk;

/// <summary>
/// What a plugin tells <see cref="PluginServer.RunAsync"/>: its plugin class (the <see cref="IPlugin"/> whose Init
/// and Verify the host calls) and the gRPC services of its contracts.
/// </summary>
public sealed class PluginServerBuilder
{
    private readonly List<(string Name, Action<RpcServiceBuilder, IServiceProvider> Map)> _services = [];

    internal PluginServerBuilder()
    {
    }

    /// <summary>The plugin's services; the plugin class and anything it needs are resolved from them.</summary>
    public IServiceCollection Services { get; } = new ServiceCollection();

    /// <summary>Options of the gRPC server (message size limits, detailed errors); where it listens is set by the handshake.</summary>
    public RpcServerOptions ServerOptions { get; } = new();

    internal IReadOnlyList<(string Name, Action<RpcServiceBuilder, IServiceProvider> Map)> ContractServices => _services;

    /// <summary>
    /// Registers the plugin class as a singleton, also as <see cref="IPlugin"/>: Init, Verify and Shutdown of
    /// <c>plugboard.v1.Plugin</c> go to it.
    /// </summary>
    public PluginServerBuilder AddPlugin<TPlugin>()
        where TPlugin : class, IPlugin
    {
        Services.TryAddSingleton<TPlugin>();
        Services.AddSingleton<IPlugin>(provider => provider.GetRequiredService<TPlugin>());
        return this;
    }

    /// <summary>
    /// Serves a contract's gRPC service, e.g.
    /// <c>AddService("usersync.v1.DataSource", (rpc, services) =&gt; rpc.AddDataSourceService(services.GetRequiredService&lt;MyPlugin&gt;()))</c>.
    /// Its health status is SERVING once the server listens.
    /// </summary>
    /// <param name="serviceName">The fully qualified gRPC service name (package.Service).</param>
    /// <param name="map">Adds the service's methods to the server.</param>
    public PluginServerBuilder AddService(string serviceName, Action<RpcServiceBuilder, IServiceProvider> map)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);
        ArgumentNullException.ThrowIfNull(map);
        _services.Add((serviceName, map));
        return this;
    }
}

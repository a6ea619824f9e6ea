using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plugboard.Hosting.Rpc;
using Plugboard.Hosting.Rpc.Runtimes;
using Plugboard.Hosting.Runtimes;
using Plugboard.Rpc;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the out-of-process runtimes and the gRPC clients of contracts.</summary>
public static class RpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>process</c> and <c>endpoint</c> runtimes (as <see cref="IPluginRuntime"/>), with defaults for
    /// every plugin; set one plugin's with <c>services.Configure&lt;RpcPluginOptions&gt;("plugin-id", …)</c>.
    /// </summary>
    public static IServiceCollection AddPlugboardRpc(this IServiceCollection services, Action<RpcPluginOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        if (configure is not null)
        {
            services.ConfigureAll(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPluginRuntime, ProcessPluginRuntime>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPluginRuntime, EndpointPluginRuntime>());
        return services;
    }

    /// <summary>
    /// Lets out-of-process plugins serve <typeparamref name="TContract"/>: <paramref name="createClient"/> makes the
    /// client that implements the interface over gRPC, e.g. <c>invoker =&gt; new DataSourceRpcClient(invoker)</c>.
    /// Also adds the runtimes.
    /// </summary>
    public static IServiceCollection AddRpcContract<TContract>(this IServiceCollection services, Func<IRpcCallInvoker, TContract> createClient)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddPlugboardRpc();
        services.AddSingleton(RpcContractAdapter.For(createClient));
        return services;
    }
}

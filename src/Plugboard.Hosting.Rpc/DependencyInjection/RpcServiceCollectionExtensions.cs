using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Plugboard.Hosting;
using Plugboard.Hosting.Rpc;
using Plugboard.Hosting.Rpc.Configuration;
using Plugboard.Hosting.Rpc.Runtimes;
using Grpc.Core;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the out-of-process runtimes and the gRPC clients of contracts.</summary>
public static class RpcServiceCollectionExtensions
{
    /// <summary>
    /// Adds the <c>process</c> and <c>endpoint</c> runtimes to the plugin host, with defaults for every plugin; set
    /// one plugin's with <c>services.Configure&lt;RpcPluginOptions&gt;("plugin-id", …)</c> (named options by id).
    /// </summary>
    public static PlugboardBuilder AddRpcRuntimes(this PlugboardBuilder builder, Action<RpcPluginOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var added = builder.Services.Any(d => d.ServiceType == typeof(ProcessPluginRuntime));
        builder.Services.AddPlugboardRpc(configure);
        return added ? builder : builder.AddRuntime<ProcessPluginRuntime>().AddRuntime<EndpointPluginRuntime>();
    }

    /// <summary>
    /// Adds the runtimes (as <see cref="AddRpcRuntimes(PlugboardBuilder, Action{RpcPluginOptions}?)"/>) with their options read from
    /// <paramref name="configuration"/>, e.g. the <c>Plugboard:Rpc</c> section: its keys are <see cref="RpcPluginOptions"/>'s
    /// property names and set every plugin's defaults (<c>CallTimeout</c>, <c>RestartDelay</c>, <c>MaxRestartDelay</c>,
    /// <c>RestartJitter</c>, <c>HealthCheckInterval</c>, <c>Transport</c>, <c>AutoMutualTls</c>, …); <c>Plugins:&lt;id&gt;</c>
    /// under it sets one plugin's. Invalid values fail at start, naming the plugin and the key.
    /// </summary>
    public static PlugboardBuilder AddRpcRuntimes(this PlugboardBuilder builder, IConfiguration configuration, Action<RpcPluginOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.AddSingleton<IConfigureOptions<RpcPluginOptions>>(new RpcPluginOptionsConfiguration(configuration));
        return builder.AddRpcRuntimes(configure);
    }

    /// <summary>
    /// Declares <typeparamref name="TContract"/> (as <see cref="PlugboardBuilder.AddContract{TContract}"/> does) and lets
    /// out-of-process plugins serve it: <paramref name="createClient"/> makes the adapter that implements the interface
    /// over the contract's generated gRPC client (see <see cref="RpcContractAdapter"/>), e.g.
    /// <c>.AddRpcContract&lt;IDataSource&gt;(invoker =&gt; new DataSourceRpcClient(invoker))</c>. Adds the process and
    /// endpoint runtimes when they are not there yet.
    /// </summary>
    public static PlugboardBuilder AddRpcContract<TContract>(this PlugboardBuilder builder, Func<CallInvoker, TContract> createClient)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddContract<TContract>();
        builder.Services.AddSingleton(RpcContractAdapter.For(createClient));
        return builder.AddRpcRuntimes();
    }

    /// <summary>
    /// Registers the runtimes (<see cref="ProcessPluginRuntime"/>, <see cref="EndpointPluginRuntime"/>) and their options
    /// without a plugin host, for code that drives them itself (e.g. conformance checks).
    /// </summary>
    public static IServiceCollection AddPlugboardRpc(this IServiceCollection services, Action<RpcPluginOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        if (configure is not null)
        {
            services.ConfigureAll(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RpcPluginOptions>, RpcPluginOptionsValidation>());
        services.AddOptions<RpcPluginOptions>().ValidateOnStart();
        services.TryAddSingleton<ProcessPluginRuntime>();
        services.TryAddSingleton<EndpointPluginRuntime>();
        return services;
    }
}

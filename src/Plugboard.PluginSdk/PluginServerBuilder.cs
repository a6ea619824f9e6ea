using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Plugboard.PluginSdk;

/// <summary>
/// What a plugin tells <see cref="PluginServer.RunAsync"/>: its plugin class (the <see cref="IPlugin"/> whose Init and
/// Verify the host calls) and the gRPC services of its contracts — ordinary Grpc.AspNetCore services deriving from the
/// base classes Grpc.Tools generates (<c>class MyService : DataSource.DataSourceBase</c>).
/// </summary>
public sealed class PluginServerBuilder
{
    // What Grpc.AspNetCore's MapGrpcService reads of a service type (its constructors and its methods): annotated, a
    // trimmed or Native AOT plugin keeps them.
    private const DynamicallyAccessedMemberTypes GrpcServiceMembers =
        DynamicallyAccessedMemberTypes.PublicConstructors | DynamicallyAccessedMemberTypes.PublicMethods | DynamicallyAccessedMemberTypes.NonPublicMethods;

    private readonly List<(string Name, Action<IEndpointRouteBuilder> Map)> _services = [];
    private readonly List<Action<GrpcServiceOptions>> _grpc = [];

    internal PluginServerBuilder(IServiceCollection services)
    {
        Services = services;
    }

    /// <summary>The plugin's services (the server's container): the plugin class, its gRPC services and what they need.</summary>
    public IServiceCollection Services { get; }

    internal IReadOnlyList<(string Name, Action<IEndpointRouteBuilder> Map)> ContractServices => _services;

    internal IReadOnlyList<Action<GrpcServiceOptions>> GrpcOptions => _grpc;

    /// <summary>
    /// Registers the plugin class as a singleton, also as <see cref="IPlugin"/>: Init, Verify and Shutdown of
    /// <c>plugboard.v1.Plugin</c> go to it. Its contract services can take it in their constructors.
    /// </summary>
    public PluginServerBuilder AddPlugin<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TPlugin>()
        where TPlugin : class, IPlugin
    {
        Services.TryAddSingleton<TPlugin>();
        Services.AddSingleton<IPlugin>(provider => provider.GetRequiredService<TPlugin>());
        return this;
    }

    /// <summary>
    /// Serves a contract's gRPC service: <typeparamref name="TService"/> derives from the base class Grpc.Tools generated
    /// from the contract's proto (e.g. <c>DataSource.DataSourceBase</c>), and is created per call from <see cref="Services"/>
    /// as Grpc.AspNetCore does. Its health status is SERVING once the server listens.
    /// </summary>
    public PluginServerBuilder AddGrpcService<[DynamicallyAccessedMembers(GrpcServiceMembers)] TService>()
        where TService : class
    {
        var name = ServiceNameOf(typeof(TService));
        _services.Add((name, endpoints => endpoints.MapGrpcService<TService>()));
        return this;
    }

    /// <summary>
    /// Binds the configuration Init receives with a source-generated serializer (<typeparamref name="TConfig"/>'s
    /// <see cref="JsonTypeInfo{T}"/> from the plugin's <c>JsonSerializerContext</c>): the plugin's
    /// <see cref="PluginContext.TypedConfiguration"/> is set, so <see cref="PluginContext.GetConfiguration{T}"/> and
    /// <see cref="PluginBase{TConfig}"/> need no reflection — what a plugin published with Native AOT needs. Give the
    /// context <c>[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]</c> to read the camelCase names the schema uses.
    /// </summary>
    public PluginServerBuilder AddConfiguration<TConfig>(JsonTypeInfo<TConfig> typeInfo)
        where TConfig : class
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        Services.AddSingleton(new Lifecycle.ConfigurationBinding(configuration =>
        {
            try
            {
                return configuration.Deserialize(typeInfo);
            }
            catch (JsonException ex)
            {
                throw new InvalidOperationException(
                    $"the configuration does not fit {typeof(TConfig).Name}: {ex.Message} Fix the configuration, or the plugin's schema and config class so they agree.", ex);
            }
        }));
        return this;
    }

    /// <summary>Adjusts the gRPC server (message size limits, detailed errors, interceptors, compression).</summary>
    public PluginServerBuilder ConfigureGrpc(Action<GrpcServiceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _grpc.Add(configure);
        return this;
    }

    // Generated base classes carry [BindServiceMethod(typeof(DataSource), "BindService")]; the generated DataSource class
    // has the service's descriptor.
    private static string ServiceNameOf(Type service)
    {
        for (var type = service; type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is { } bind
                && bind.BindType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static)?.GetValue(null) is Google.Protobuf.Reflection.ServiceDescriptor descriptor)
            {
                return descriptor.FullName;
            }
        }

        throw new ArgumentException(
            $"{service.FullName} is not a generated gRPC service: derive it from the base class Grpc.Tools generates from the contract's proto (e.g. DataSource.DataSourceBase).",
            nameof(service));
    }
}

using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests.Schema;

namespace Plugboard.Hosting;

/// <summary>A plugin the host registers in code: an implementation class (created by the host) or an instance.</summary>
internal sealed class BuiltInPlugin
{
    public BuiltInPlugin(string id, ContractDescriptor contract, Type implementationType, object? instance, JsonObject? configuration)
    {
        Id = id;
        Contract = contract;
        ImplementationType = implementationType;
        Instance = instance;
        Configuration = configuration;
    }

    public string Id { get; }

    public ContractDescriptor Contract { get; }

    public Type ImplementationType { get; }

    public object? Instance { get; }

    public JsonObject? Configuration { get; }

    public string Origin => $"built-in:{ImplementationType.FullName}";

    public string Version => (ImplementationType.Assembly.GetName().Version ?? new Version(0, 0, 0)).ToString(3);

    /// <summary>Creates the instance (through DI when the host has services) and its context.</summary>
    public LoadedPlugin Load(JsonObject configuration, ILogger logger, IServiceProvider? services, CancellationToken stopping)
    {
        var configType = Instance is null ? PluginClass.ConfigTypeOf(ImplementationType) : PluginClass.ConfigTypeOf(Instance.GetType());
        var context = new PluginContext
        {
            PluginId = Id,
            Version = Version,
            Logger = logger,
            Configuration = configuration,
            TypedConfiguration = configType is null ? null : ConfigBinder.Bind(configuration, configType),
            Stopping = stopping,
            HostServices = services,
        };

        if (Instance is not null)
        {
            return new BuiltInLoadedPlugin(Id, Instance, context, configType, ownsInstance: false);
        }

        object created;
        if (services is null)
        {
            created = PluginClass.Create(ImplementationType, context);
        }
        else
        {
            // DI supplies the services; the context and logger are passed when the constructor asks for them.
            var parameters = ImplementationType.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).ToHashSet();
            var arguments = new List<object>();
            if (parameters.Contains(typeof(PluginContext)))
            {
                arguments.Add(context);
            }

            if (parameters.Contains(typeof(ILogger)))
            {
                arguments.Add(logger);
            }

            created = ActivatorUtilities.CreateInstance(services, ImplementationType, [.. arguments]);
        }

        return new BuiltInLoadedPlugin(Id, created, context, configType, ownsInstance: true);
    }

    private sealed class BuiltInLoadedPlugin(string id, object implementation, PluginContext context, Type? configType, bool ownsInstance) : LoadedPlugin
    {
        public override string Id { get; } = id;

        public override object Implementation { get; } = implementation;

        public override PluginContext Context { get; } = context;

        public override Type? ConfigType { get; } = configType;

        public override async Task<bool> UnloadAsync(TimeSpan timeout)
        {
            if (ownsInstance)
            {
                await PluginDisposal.DisposeAsync(Implementation).ConfigureAwait(false);
            }

            return true;
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Manifests;
using Plugboard.Manifests.Schema;

namespace Plugboard.Hosting.Runtimes;

/// <summary>
/// Runs one built-in plugin: a class the host registered in code, created through DI when the host has
/// services (its constructor may also take the <see cref="PluginContext"/> and an <c>ILogger</c>), or an
/// instance handed over as is (never disposed by the host). Everything else — admission, Init, Verify,
/// activation, retirement — is the pipeline's, as for any plugin.
/// </summary>
internal sealed class BuiltInRuntime(BuiltInPlugin builtIn) : IPluginRuntime
{
    /// <summary>Built-ins run in the host's own load context, as assembly plugins do in theirs.</summary>
    public PluginRuntimeKind Kind => PluginRuntimeKind.Assembly;

    public ValueTask<LoadedPlugin> LoadAsync(PluginLoadRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var configType = PluginClass.ConfigTypeOf(builtIn.ImplementationType);
        object? typedConfiguration;
        try
        {
            typedConfiguration = configType is null ? null : ConfigBinder.Bind(request.Configuration, configType);
        }
        catch (ConfigBindingException binding)
        {
            throw new PluginLoadException($"{builtIn.Id}: {binding.Message}");
        }

        var context = new PluginContext
        {
            PluginId = builtIn.Id,
            Version = builtIn.Version,
            Logger = request.Logger,
            Configuration = request.Configuration,
            TypedConfiguration = typedConfiguration,
            Stopping = request.Stopping,
            HostServices = request.HostServices,
        };

        if (builtIn.Instance is not null)
        {
            return new(new BuiltInLoadedPlugin(builtIn.Id, builtIn.Instance, context, configType, ownsInstance: false));
        }

        return new(new BuiltInLoadedPlugin(builtIn.Id, Create(context, request.Logger, request.HostServices), context, configType, ownsInstance: true));
    }

    private object Create(PluginContext context, ILogger logger, IServiceProvider? services)
    {
        var type = builtIn.ImplementationType;
        if (services is null)
        {
            return PluginClass.Create(type, context);
        }

        // DI supplies the services; the context and logger are passed when the constructor asks for them.
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).ToHashSet();
        var arguments = new List<object>();
        if (parameters.Contains(typeof(PluginContext)))
        {
            arguments.Add(context);
        }

        if (parameters.Contains(typeof(ILogger)))
        {
            arguments.Add(logger);
        }

        return ActivatorUtilities.CreateInstance(services, type, [.. arguments]);
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

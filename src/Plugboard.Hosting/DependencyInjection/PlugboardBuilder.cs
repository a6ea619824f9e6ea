using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting;

/// <summary>
/// Returned by <c>services.AddPlugboard(…)</c>: declares the host's contracts, built-in plugins and
/// extra runtimes.
/// </summary>
public sealed class PlugboardBuilder
{
    internal PlugboardBuilder(IServiceCollection services, PlugboardSetup setup)
    {
        Services = services;
        Setup = setup;
    }

    /// <summary>The service collection being configured.</summary>
    public IServiceCollection Services { get; }

    internal PlugboardSetup Setup { get; }

    /// <summary>
    /// Declares a contract: registers an injectable <see cref="IPluginRegistry{TContract}"/> singleton and
    /// shares the contract's assembly with every plugin.
    /// </summary>
    /// <typeparam name="TContract">The contract interface.</typeparam>
    public PlugboardBuilder AddContract<TContract>() where TContract : class
    {
        Setup.Steps.Add(host => host.AddContract<TContract>());
        Services.TryAddSingleton(sp => sp.GetRequiredService<PluginHost>().Registry<TContract>());
        return this;
    }

    /// <summary>
    /// Registers a built-in plugin class, created through DI (its constructor may also take a
    /// <see cref="PluginContext"/> or an <c>ILogger</c>). Its id must not carry the third-party prefix.
    /// </summary>
    /// <typeparam name="TContract">The contract (declared here if it was not).</typeparam>
    /// <typeparam name="TImplementation">The implementation class.</typeparam>
    /// <param name="id">The plugin id, e.g. <c>local</c>.</param>
    /// <param name="configuration">Its configuration, unless the options have one for the id.</param>
    public PlugboardBuilder AddBuiltIn<TContract, TImplementation>(string id, JsonObject? configuration = null)
        where TContract : class
        where TImplementation : class, TContract
    {
        AddContract<TContract>();
        Setup.Steps.Add(host => host.AddBuiltIn<TContract, TImplementation>(id, configuration));
        return this;
    }

    /// <summary>Adds a runtime for another kind of plugin (e.g. <c>process</c>), created through DI.</summary>
    /// <typeparam name="TRuntime">The runtime class.</typeparam>
    public PlugboardBuilder AddRuntime<TRuntime>() where TRuntime : class, IPluginRuntime
    {
        Services.TryAddSingleton<TRuntime>();
        Setup.ServiceSteps.Add((host, sp) => host.AddRuntime(sp.GetRequiredService<TRuntime>()));
        return this;
    }
}

/// <summary>What the builder recorded, replayed on the <see cref="PluginHost"/> when DI creates it.</summary>
internal sealed class PlugboardSetup
{
    public List<Action<PluginHost>> Steps { get; } = [];

    public List<Action<PluginHost, IServiceProvider>> ServiceSteps { get; } = [];
}

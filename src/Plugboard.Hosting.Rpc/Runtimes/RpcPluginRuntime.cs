using Microsoft.Extensions.Options;
using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>
/// What the process and endpoint runtimes share: connect to the plugin, then hand the host one object that
/// implements the contract through its gRPC client and <see cref="IPlugin"/> through <c>plugboard.v1.Plugin</c>.
/// </summary>
public abstract class RpcPluginRuntime : IPluginRuntime
{
    private readonly IReadOnlyDictionary<Type, RpcContractAdapter> _adapters;
    private readonly IOptionsMonitor<RpcPluginOptions> _options;

    /// <summary>Creates the runtime.</summary>
    /// <param name="adapters">The gRPC clients of the host's contracts.</param>
    /// <param name="options">Options per plugin id (named options), with defaults for all.</param>
    /// <param name="timeProvider">The clock of health checks, restarts and timeouts; the system's by default.</param>
    protected RpcPluginRuntime(IEnumerable<RpcContractAdapter> adapters, IOptionsMonitor<RpcPluginOptions> options, TimeProvider? timeProvider = null)
    {
        Time = timeProvider ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(adapters);
        _adapters = adapters.GroupBy(a => a.Contract).ToDictionary(g => g.Key, g => g.Last());
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    /// <inheritdoc />
    public abstract PluginRuntimeKind Kind { get; }

    /// <summary>The clock the plugins' connections run on.</summary>
    protected TimeProvider Time { get; }

    /// <inheritdoc />
    public async ValueTask<LoadedPlugin> LoadAsync(PluginLoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var manifest = request.Manifest;
        var id = manifest.Id;
        var options = _options.Get(id);
        var clients = request.Contracts.Select(contract => (Contract: contract, Adapter: _adapters.GetValueOrDefault(contract))).ToList();
        if (clients.FirstOrDefault(c => c.Adapter is null) is { Contract: { } missing })
        {
            throw new PluginLoadException(
                $"{id}: the host has no gRPC client for contract {missing.FullName}, so it cannot call this {Kind.ToString().ToLowerInvariant()} plugin; " +
                $"register its adapter over the generated client with services.AddRpcContract<{missing.Name}>(invoker => new {missing.Name.TrimStart('I')}RpcClient(invoker)).");
        }

        if (clients.Count > 1)
        {
            throw new PluginLoadException(
                $"{id}: declares {clients.Count} host contracts ({string.Join(", ", clients.Select(c => c.Contract.Name))}); an out-of-process plugin can serve one host contract at a time. Split it into one plugin per contract.");
        }

        var connection = CreateConnection(request, options);
        try
        {
            await connection.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (PluginStartException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new PluginLoadException(ex.Message, innerException: ex);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var lifecycle = new RpcPluginLifecycle(connection);
        object implementation = clients.Count == 0
            ? lifecycle
            : RpcPluginInstance.Create(clients[0].Contract, clients[0].Adapter!.Create(connection.CallInvoker), lifecycle);
        var context = new PluginContext
        {
            PluginId = id,
            Version = manifest.Version.ToNormalizedString(),
            Logger = request.Logger,
            Configuration = request.Configuration,
            Stopping = request.Stopping,
            HostServices = request.HostServices,
        };
        return new RpcLoadedPlugin(id, implementation, context, connection);
    }

    /// <summary>Creates the (not yet started) connection to the plugin of <paramref name="request"/>.</summary>
    /// <exception cref="PluginLoadException">The manifest's entry cannot be used; the message says how to fix it.</exception>
    protected abstract RpcPluginConnection CreateConnection(PluginLoadRequest request, RpcPluginOptions options);

    /// <summary>The manifest's entry for this platform.</summary>
    /// <exception cref="PluginLoadException">There is none.</exception>
    protected static string ResolveEntry(PluginManifest manifest, string example)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.ResolveEntry()
            ?? throw new PluginLoadException(
                $"{manifest.Id}: plugin.yaml has no entry for {System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier} nor a default one; add e.g. \"entry: {{ default: {example} }}\".");
    }
}

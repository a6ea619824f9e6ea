using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Plugboard.Server.Configuration;
using Plugboard.Hosting.Loading;
using Plugboard.Hosting.Rpc.Runtimes;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Server.Realization;

/// <summary>
/// The center's one adapter onto Plugboard.Hosting's runtimes: loads a plugin asking for no contract type at all
/// (the center drives only the lifecycle every plugin shares), and hands back the loaded instance. Assembly plugins
/// load into a collectible context of their own; process plugins are started and supervised by Plugboard.Hosting.Rpc's
/// process runtime (handshake, optional mutual TLS, health checks, restart with backoff, no orphans); endpoint
/// plugins (and plugins registered with an endpoint, which have no folder) are reached by its endpoint runtime. Both
/// hand back <c>plugboard.v1.Plugin</c> as <see cref="IPlugin"/>, since no contract is asked for. Their options come
/// from <c>Plugboard:Rpc</c>. Plugins do not ship their contract assemblies (the host shares its own), so the center
/// shares the ones an operator puts in its contracts folder (<c>{data}/contracts</c>, <c>Plugboard:ContractsDirectory</c>),
/// read as data, not compiled in.
/// </summary>
internal sealed class HostingRuntimes(
    ProcessPluginRuntime process,
    EndpointPluginRuntime endpoint,
    IOptions<CenterOptions> options,
    ILogger<HostingRuntimes> logger)
{
    private readonly SharedAssemblies _shared = new([]);
    private readonly HashSet<string> _loadedContracts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private AssemblyPluginRuntime? _assembly;

    /// <summary>Loads or starts (does not Init) one version.</summary>
    /// <param name="manifest">The version's manifest.</param>
    /// <param name="directory">Its extracted folder; null for a plugin registered as running elsewhere (an endpoint).</param>
    /// <param name="configuration">The validated configuration.</param>
    /// <param name="logger">The plugin's logger.</param>
    /// <param name="stopping">Fires when the instance is released.</param>
    /// <param name="cancellationToken">Cancels the load.</param>
    /// <exception cref="PluginLoadException">It cannot be loaded or started; the message says what to do.</exception>
    /// <exception cref="NotSupportedException">The center cannot realize this plugin itself.</exception>
    public async Task<LoadedPlugin> LoadAsync(PluginManifest manifest, string? directory, JsonObject configuration, ILogger logger, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var kind = manifest.Runtime.ToString().ToLowerInvariant();
        IPluginRuntime runtime = (manifest.Runtime, directory) switch
        {
            (PluginRuntimeKind.Endpoint, _) => endpoint,
            (_, null) => throw new NotSupportedException(
                $"{manifest.Id} {manifest.Version} is registered without a package ({kind}); the center can only reach registered plugins through an endpoint: register it again with \"endpoint\"."),
            (PluginRuntimeKind.Assembly, _) => AssemblyRuntime(),
            (PluginRuntimeKind.Process, _) => process,
            _ => throw new NotSupportedException(
                $"{manifest.Id} {manifest.Version} runs as '{kind}', which this center does not realize; install it in the scope of a host that does."),
        };
        return await runtime.LoadAsync(
            new PluginLoadRequest
            {
                Manifest = manifest,
                // An endpoint plugin registered through the API has no folder; its runtime does not read one.
                Directory = directory ?? options.Value.DataDirectory,
                Contracts = [],
                Configuration = configuration,
                Logger = logger,
                Stopping = stopping,
            },
            cancellationToken).ConfigureAwait(false);
    }

    // Contract assemblies added to the folder since the last load are shared from now on; one copy per name.
    private AssemblyPluginRuntime AssemblyRuntime()
    {
        var directory = options.Value.ContractsDirectory ?? Path.Combine(options.Value.DataDirectory, "contracts");
        lock (_gate)
        {
            if (Directory.Exists(directory))
            {
                foreach (var file in Directory.EnumerateFiles(directory, "*.dll").Order(StringComparer.Ordinal))
                {
                    if (_loadedContracts.Add(Path.GetFileName(file)))
                    {
                        var assembly = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(file));
                        _shared.Add(assembly);
                        logger.LogInformation("Sharing contract assembly {Assembly} with plugins", assembly.FullName);
                    }
                }
            }

            return _assembly ??= new AssemblyPluginRuntime(_shared);
        }
    }
}

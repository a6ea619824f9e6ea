using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Plugboard.Server.Configuration;
using Plugboard.Hosting.Loading;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Server.Realization;

/// <summary>
/// The center's one adapter onto Plugboard.Hosting's runtimes: loads a plugin asking for no contract type at all
/// (the center drives only the lifecycle every plugin shares), and hands back the loaded instance. Plugins do not
/// ship their contract assemblies (the host shares its own), so the center shares the ones an operator puts in
/// its contracts folder (<c>{data}/contracts</c>, <c>Plugboard:ContractsDirectory</c>), read as data, not compiled in.
/// </summary>
internal sealed class HostingRuntimes(IOptions<CenterOptions> options, ILogger<HostingRuntimes> logger)
{
    private readonly SharedAssemblies _shared = new([]);
    private readonly HashSet<string> _loadedContracts = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private AssemblyPluginRuntime? _assembly;

    /// <summary>Loads (does not Init) one version.</summary>
    /// <exception cref="PluginLoadException">It cannot be loaded; the message says what to do.</exception>
    /// <exception cref="NotSupportedException">The center does not realize this runtime kind itself.</exception>
    public async Task<LoadedPlugin> LoadAsync(PluginManifest manifest, string directory, JsonObject configuration, ILogger logger, CancellationToken stopping, CancellationToken cancellationToken)
    {
        IPluginRuntime runtime = manifest.Runtime switch
        {
            PluginRuntimeKind.Assembly => AssemblyRuntime(),
            _ => throw new NotSupportedException(
                $"{manifest.Id} {manifest.Version} runs as '{manifest.Runtime.ToString().ToLowerInvariant()}'; this center realizes assembly plugins itself, and '{manifest.Runtime.ToString().ToLowerInvariant()}' installations need a host of their scope (install it in another scope)."),
        };
        return await runtime.LoadAsync(
            new PluginLoadRequest
            {
                Manifest = manifest,
                Directory = directory,
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

using System.Reflection;
using System.Runtime.Loader;

namespace Plugboard.Hosting.Loading;

/// <summary>
/// The collectible load context of one plugin version. Shared assemblies come from the host; the
/// plugin's private dependencies (managed and native) are resolved from its <c>.deps.json</c>, so two
/// plugins can carry different versions of one library; framework assemblies fall back to the default
/// context. Assemblies are read into memory and native libraries shadow-copied, so the plugin's files
/// are never locked while it is loaded.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver _resolver;
    private readonly SharedAssemblies _shared;
    private readonly ShadowCopyDirectory _shadow = new();
    private readonly string _pluginId;

    /// <exception cref="InvalidOperationException">The plugin's .deps.json cannot be resolved (e.g. it lists a file that is missing).</exception>
    public PluginLoadContext(string pluginId, string version, string entryAssemblyPath, SharedAssemblies shared)
        : base($"plugboard:{pluginId}@{version}", isCollectible: true)
    {
        _pluginId = pluginId;
        _shared = shared;
        _resolver = new AssemblyDependencyResolver(entryAssemblyPath);
        Unloading += static context => ((PluginLoadContext)context)._shadow.Delete();
    }

    /// <summary>Loads the plugin's entry assembly.</summary>
    public Assembly LoadEntry(string path) => LoadFromFileBytes(path);

    /// <summary>Where the plugin's own copy of <paramref name="name"/> is, if it has one.</summary>
    public string? ResolvePrivate(AssemblyName name)
    {
        var path = _resolver.ResolveAssemblyToPath(name);
        return path is not null && File.Exists(path) ? path : null;
    }

    /// <summary>The host's copy of <paramref name="name"/> when it is shared; null otherwise.</summary>
    public Assembly? ResolveShared(AssemblyName name) => _shared.Resolve(name);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var shared = _shared.Resolve(assemblyName);
        if (shared is not null)
        {
            return shared;
        }

        var path = ResolvePrivate(assemblyName);

        // Null lets the default context answer: framework assemblies, and (as a last resort) the host's.
        return path is null ? null : LoadFromFileBytes(path);
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null || !File.Exists(path)
            ? IntPtr.Zero
            : LoadUnmanagedDllFromPath(_shadow.Copy(path, _pluginId));
    }

    // From memory, so the file is not locked and can be replaced while the plugin runs; the symbols too,
    // so stack traces keep their line numbers.
    private Assembly LoadFromFileBytes(string path)
    {
        using var image = new MemoryStream(File.ReadAllBytes(path), writable: false);
        var symbolsPath = Path.ChangeExtension(path, ".pdb");
        if (!File.Exists(symbolsPath))
        {
            return LoadFromStream(image);
        }

        using var symbols = new MemoryStream(File.ReadAllBytes(symbolsPath), writable: false);
        return LoadFromStream(image, symbols);
    }
}

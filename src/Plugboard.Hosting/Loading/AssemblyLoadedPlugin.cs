using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting.Loading;

/// <summary>One version of an assembly plugin: its instance and the load context that holds its code.</summary>
internal sealed class AssemblyLoadedPlugin(string id, object implementation, PluginContext context, Type? configType, PluginLoadContext loadContext)
    : LoadedPlugin
{
    private object? _implementation = implementation;
    private PluginContext? _context = context;
    private Type? _configType = configType;
    private PluginLoadContext? _loadContext = loadContext;

    public override string Id { get; } = id;

    public override object Implementation => _implementation ?? throw new ObjectDisposedException($"plugin {Id}");

    public override PluginContext Context => _context ?? throw new ObjectDisposedException($"plugin {Id}");

    public override Type? ConfigType => _configType;

    public override async Task<bool> UnloadAsync(TimeSpan timeout)
    {
        var implementation = Interlocked.Exchange(ref _implementation, null);
        var loadContext = Interlocked.Exchange(ref _loadContext, null);
        if (loadContext is null)
        {
            return true;
        }

        try
        {
            await PluginDisposal.DisposeAsync(implementation).ConfigureAwait(false);
        }
        finally
        {
            // Drop every reference to the plugin's types before unloading, or the context stays alive.
            implementation = null;
            _context = null;
            _configType = null;
        }

        var weak = Unload(loadContext);
        return await LoadContextCollector.WaitAsync(weak, timeout).ConfigureAwait(false);
    }

    // A separate frame so no local in the caller keeps the context reachable.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference Unload(PluginLoadContext loadContext)
    {
        loadContext.Unload();
        return new WeakReference(loadContext);
    }
}

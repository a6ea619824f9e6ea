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
        try
        {
            await PluginDisposal.DisposeAsync(implementation).ConfigureAwait(false);
        }
        finally
        {
            // Drop every reference to the plugin's types before unloading, or the context stays alive.
            // (Locals of an async method live in its state machine: clear them too.)
            implementation = null;
            _context = null;
            _configType = null;
        }

        var weak = BeginUnload();
        return weak is null || await LoadContextCollector.WaitAsync(weak, timeout).ConfigureAwait(false);
    }

    // Not async, and not inlined, so no state machine or caller frame keeps the context reachable
    // while UnloadAsync waits for it to be collected.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference? BeginUnload()
    {
        var loadContext = Interlocked.Exchange(ref _loadContext, null);
        if (loadContext is null)
        {
            return null;
        }

        loadContext.Unload();
        return new WeakReference(loadContext);
    }
}

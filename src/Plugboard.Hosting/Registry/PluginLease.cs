namespace Plugboard.Hosting;

/// <summary>
/// A hold on one version of a plugin: until it is disposed, that version counts a call in flight and is
/// neither disposed nor unloaded, even when a newer version has replaced it.
/// </summary>
/// <typeparam name="TContract">The contract interface.</typeparam>
public sealed class PluginLease<TContract> : IDisposable where TContract : class
{
    private PluginGeneration? _generation;

    internal PluginLease(PluginGeneration generation, TContract instance)
    {
        _generation = generation;
        Instance = instance;
    }

    /// <summary>The plugin's own instance (not a routing object). Do not keep it past the lease.</summary>
    public TContract Instance { get; }

    /// <summary>The plugin id.</summary>
    public string Id => _generation?.Id ?? string.Empty;

    /// <summary>The version the lease holds.</summary>
    public string Version => _generation?.Version ?? string.Empty;

    /// <summary>Releases the hold.</summary>
    public void Dispose() => Interlocked.Exchange(ref _generation, null)?.Exit();
}

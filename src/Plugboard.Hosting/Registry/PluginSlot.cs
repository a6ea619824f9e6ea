using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Plugboard.Hosting;

/// <summary>
/// The place of one plugin id in a registry: the entry serving that id now (none while no plugin is
/// attached under it) and the routing object handed out for it. Routing objects hold their slot, so a
/// call reaches the current version without looking the id up by name. A registry never drops a slot,
/// so a routing object kept across an unload and a later load of the same id routes to the new entry.
/// </summary>
internal sealed class PluginSlot(string id, Func<string, PluginNotAvailableException> notAvailable)
{
    private PluginEntry? _entry;
    private object? _proxy;

    public string Id { get; } = id;

    /// <summary>The entry attached under this id, or null.</summary>
    public PluginEntry? Entry => Volatile.Read(ref _entry);

    public void Attach(PluginEntry entry) => Volatile.Write(ref _entry, entry);

    /// <summary>Detaches <paramref name="entry"/>, unless another entry has taken the id meanwhile.</summary>
    public void Detach(PluginEntry entry) => Interlocked.CompareExchange(ref _entry, null, entry);

    /// <summary>Counts a call in on the current version; the routing objects call this on every call.</summary>
    /// <exception cref="PluginNotAvailableException">No version of the plugin is active.</exception>
    public PluginGeneration Enter() => Volatile.Read(ref _entry)?.Enter() ?? throw notAvailable(Id);

    /// <summary>Counts a synchronous call in on the current version, without an interlocked operation (see <see cref="SynchronousCalls"/>).</summary>
    /// <exception cref="PluginNotAvailableException">No version of the plugin is active.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public SynchronousCall EnterSynchronous()
    {
        var slots = SynchronousCalls.Mine;
        if (slots is not null && Volatile.Read(ref _entry)?.Current is { } generation && slots.TryEnter(generation, out var depth))
        {
            return new SynchronousCall(generation, slots, depth);
        }

        return new SynchronousCall(EnterCounted(), null, 0);
    }

    /// <summary>
    /// The first call on a thread, a version retired meanwhile, calls nested too deeply, or no active
    /// version: counted with the generation's interlocked counter, which handles them all.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private PluginGeneration EnterCounted()
    {
        SynchronousCalls.Register();
        return Volatile.Read(ref _entry)?.Enter() ?? ThrowNotAvailable();
    }

    [DoesNotReturn]
    private PluginGeneration ThrowNotAvailable() => throw notAvailable(Id);

    /// <summary>The routing object for this id, created once (every caller gets the same object).</summary>
    public TContract Proxy<TContract>(Func<PluginSlot, TContract> create) where TContract : class
    {
        if (Volatile.Read(ref _proxy) is TContract existing)
        {
            return existing;
        }

        Interlocked.CompareExchange(ref _proxy, create(this), null);
        return (TContract)_proxy!;
    }
}

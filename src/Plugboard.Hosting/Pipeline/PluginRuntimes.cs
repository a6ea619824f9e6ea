using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Hosting.Pipeline;

/// <summary>
/// The runtime registered for each <see cref="PluginRuntimeKind"/>. Read on every admission, written when a host adds a
/// runtime: the table is an array indexed by kind and replaced whole on a write, so a read takes no lock. (A
/// dictionary keyed by the enum would do the same, but its code over an enum key is compiled at run time even in a
/// ReadyToRun host, before the first plugin loads.)
/// </summary>
internal sealed class PluginRuntimes
{
    private readonly Lock _writeGate = new();
    private IPluginRuntime?[] _byKind = [];

    /// <summary>Adds or replaces the runtime of <paramref name="runtime"/>'s kind.</summary>
    public void Set(IPluginRuntime runtime)
    {
        lock (_writeGate)
        {
            var index = (int)runtime.Kind;
            var next = new IPluginRuntime?[Math.Max(_byKind.Length, index + 1)];
            _byKind.CopyTo(next, 0);
            next[index] = runtime;
            Volatile.Write(ref _byKind, next);
        }
    }

    /// <summary>The runtime registered for <paramref name="kind"/>, or null.</summary>
    public IPluginRuntime? Find(PluginRuntimeKind kind)
    {
        var table = Volatile.Read(ref _byKind);
        var index = (int)kind;
        return index >= 0 && index < table.Length ? table[index] : null;
    }
}

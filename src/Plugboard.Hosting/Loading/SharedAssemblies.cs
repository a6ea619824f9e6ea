using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;

namespace Plugboard.Hosting.Loading;

/// <summary>
/// The assemblies every plugin shares with the host, matched by simple name whatever version the plugin
/// was built against: Plugboard.Abstractions, the contract assemblies, the names the host adds, and the
/// host's own <c>Microsoft.Extensions.*.Abstractions</c> and <c>Microsoft.Extensions.Primitives</c>.
/// Sharing is what makes a plugin's <c>IDataSource</c> the host's <c>IDataSource</c>: two copies of one
/// assembly in two load contexts define two distinct types, and casting one to the other fails.
/// </summary>
internal sealed class SharedAssemblies
{
    private readonly ConcurrentDictionary<string, Assembly> _explicit = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, Assembly?> _byConvention = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _names;

    public SharedAssemblies(IEnumerable<string> names)
    {
        _names = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
        Add(typeof(IPlugin).Assembly);
        Add(typeof(Microsoft.Extensions.Logging.ILogger).Assembly);
    }

    /// <summary>Shares <paramref name="assembly"/> (the host's copy) with every plugin.</summary>
    public void Add(Assembly assembly)
    {
        var name = assembly.GetName().Name;
        if (name is not null)
        {
            _explicit[name] = assembly;
        }
    }

    /// <summary>The simple names shared explicitly, for diagnostics.</summary>
    public IEnumerable<string> ExplicitNames => _explicit.Keys.Concat(_names).Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>The host's copy of <paramref name="name"/> when plugins share it; null otherwise.</summary>
    public Assembly? Resolve(AssemblyName name)
    {
        var simple = name.Name;
        if (simple is null)
        {
            return null;
        }

        if (_explicit.TryGetValue(simple, out var assembly))
        {
            return assembly;
        }

        if (!_names.Contains(simple) && !IsSharedByConvention(simple))
        {
            return null;
        }

        return _byConvention.GetOrAdd(simple, static s => LoadFromHost(s));
    }

    private static bool IsSharedByConvention(string simpleName) =>
        simpleName.Equals("Microsoft.Extensions.Primitives", StringComparison.OrdinalIgnoreCase)
        || (simpleName.StartsWith("Microsoft.Extensions.", StringComparison.OrdinalIgnoreCase)
            && simpleName.EndsWith(".Abstractions", StringComparison.OrdinalIgnoreCase));

    // The host's copy, loaded by simple name (any version) into the default context; null when the host
    // does not have it, so the plugin then uses its own copy.
    private static Assembly? LoadFromHost(string simpleName)
    {
        try
        {
            return AssemblyLoadContext.Default.LoadFromAssemblyName(new AssemblyName(simpleName));
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return null;
        }
    }
}

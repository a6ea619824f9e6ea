using System.Reflection;
using System.Reflection.Metadata;
using System.Runtime.Loader;

namespace Plugboard.Hosting.Loading;

/// <summary>
/// Empties the caches the framework keeps about types (System.Text.Json, for one, caches compiled
/// property accessors in a static table that is only pruned when it is used again), which would
/// otherwise keep an unloaded plugin's types, and so its load context, alive. It uses the hooks those
/// assemblies expose for hot reload: each names a handler with <see cref="MetadataUpdateHandlerAttribute"/>
/// whose static <c>ClearCache(Type[]?)</c> drops every cached type.
/// </summary>
internal static class ReflectionCaches
{
    private static readonly Lazy<IReadOnlyList<MethodInfo>> Handlers = new(FindHandlers);

    public static void Clear()
    {
        foreach (var clear in Handlers.Value)
        {
            try
            {
                clear.Invoke(null, [null]);
            }
            catch (TargetInvocationException)
            {
                // A cache that cannot be cleared only delays collection.
            }
        }
    }

    private static List<MethodInfo> FindHandlers()
    {
        var handlers = new List<MethodInfo>();
        foreach (var assembly in AssemblyLoadContext.Default.Assemblies)
        {
            var name = assembly.GetName().Name ?? string.Empty;
            if (!name.StartsWith("System.", StringComparison.Ordinal) && !name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var attribute in assembly.GetCustomAttributes<MetadataUpdateHandlerAttribute>())
            {
                var clear = attribute.HandlerType.GetMethod("ClearCache", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(Type[])]);
                if (clear is not null)
                {
                    handlers.Add(clear);
                }
            }
        }

        return handlers;
    }
}

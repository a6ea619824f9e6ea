namespace Plugboard.Hosting;

/// <summary>
/// The class a plugin binds its configuration to, described without holding on to it: a type from a plugin's
/// collectible load context, handed out, would keep that context (and every version's code) from being unloaded.
/// </summary>
/// <param name="Name">The class name, e.g. <c>HttpSourceConfig</c>.</param>
/// <param name="FullName">The namespace-qualified name.</param>
/// <param name="AssemblyName">The simple name of the assembly that defines it.</param>
/// <param name="Type">The type itself, only when it lives outside any collectible context (a built-in's, or one in a shared assembly); null otherwise.</param>
public sealed record PluginConfigType(string Name, string FullName, string AssemblyName, Type? Type)
{
    internal static PluginConfigType Of(Type type) =>
        new(type.Name, type.FullName ?? type.Name, type.Assembly.GetName().Name ?? string.Empty, type.Assembly.IsCollectible ? null : type);
}

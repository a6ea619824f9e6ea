namespace Plugboard;

/// <summary>
/// Marks a class as a plugin implementation and gives it its id. The id must be unique among the
/// plugins of one contract; ids of third-party plugins carry the host's prefix (default <c>custom-</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class PluginAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="id">The plugin id, for example <c>custom-http</c>.</param>
    public PluginAttribute(string id) => Id = id;

    /// <summary>The plugin id.</summary>
    public string Id { get; }

    /// <summary>
    /// The class the validated configuration is bound to before <see cref="IPlugin.InitAsync"/>.
    /// Optional: <see cref="PluginBase{TConfig}"/> plugins declare it through their type argument.
    /// </summary>
    public Type? ConfigType { get; set; }
}

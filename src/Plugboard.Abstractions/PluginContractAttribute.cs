namespace Plugboard;

/// <summary>
/// Marks an interface in a host's contract assembly as something plugins may implement, and names it
/// with a stable, versioned id such as <c>usersync.datasource/v1</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Interface, AllowMultiple = false, Inherited = false)]
public sealed class PluginContractAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The contract name, for example <c>usersync.datasource</c>.</param>
    /// <param name="majorVersion">The major version of the contract; a breaking change gets a new one.</param>
    public PluginContractAttribute(string name, int majorVersion = 1)
    {
        Name = name;
        MajorVersion = majorVersion;
    }

    /// <summary>The contract name without version.</summary>
    public string Name { get; }

    /// <summary>The contract's major version.</summary>
    public int MajorVersion { get; }

    /// <summary>The contract id, <c>name/vN</c>.</summary>
    public string Id => $"{Name}/v{MajorVersion}";
}

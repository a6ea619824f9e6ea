using System.Reflection;
using NuGet.Versioning;

namespace Plugboard.Hosting;

/// <summary>
/// A contract the host offers: its interface, its name and major version (from
/// <see cref="PluginContractAttribute"/>, or the interface's full name and 1), and its full version, taken
/// from the contract assembly's version, which manifests' version ranges are checked against.
/// </summary>
internal sealed class ContractDescriptor
{
    private ContractDescriptor(Type type)
    {
        Type = type;
        var attribute = type.GetCustomAttribute<PluginContractAttribute>();
        Name = attribute?.Name ?? type.FullName!;
        MajorVersion = attribute?.MajorVersion ?? 1;
        var assemblyVersion = type.Assembly.GetName().Version ?? new Version(1, 0, 0);
        Version = new NuGetVersion(assemblyVersion.Major, assemblyVersion.Minor, Math.Max(assemblyVersion.Build, 0));
    }

    public Type Type { get; }

    public string Name { get; }

    public int MajorVersion { get; }

    public NuGetVersion Version { get; }

    public string Id => $"{Name}/v{MajorVersion}";

    public static ContractDescriptor For(Type type)
    {
        if (!type.IsInterface)
        {
            throw new ArgumentException($"{type.FullName} is not an interface; a contract is an interface in a contract assembly shared with plugins.", nameof(type));
        }

        return new ContractDescriptor(type);
    }

    public static string IdOf(Type type) => For(type).Id;
}

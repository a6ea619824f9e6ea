using System.Text.Json.Nodes;

namespace Plugboard.Hosting;

/// <summary>A plugin the host registers in code: an implementation class (created by the host) or an instance.</summary>
internal sealed class BuiltInPlugin(string id, ContractDescriptor contract, Type implementationType, object? instance, JsonObject? configuration)
{
    public string Id { get; } = id;

    public ContractDescriptor Contract { get; } = contract;

    public Type ImplementationType { get; } = implementationType;

    public object? Instance { get; } = instance;

    public JsonObject? Configuration { get; } = configuration;

    public string Origin => $"built-in:{ImplementationType.FullName}";

    public string Version => (ImplementationType.Assembly.GetName().Version ?? new Version(0, 0, 0)).ToString(3);
}

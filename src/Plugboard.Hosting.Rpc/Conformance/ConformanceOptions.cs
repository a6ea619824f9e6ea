using Google.Protobuf.Reflection;

namespace Plugboard.Hosting.Rpc.Conformance;

/// <summary>What <see cref="PluginConformance"/> checks beyond the protocol itself, and how strictly.</summary>
public sealed class ConformanceOptions
{
    /// <summary>
    /// Fail, rather than warn about, what the host tolerates but the protocol forbids: stdout lines before the handshake,
    /// and a declared contract whose methods could not be exercised because no descriptors of its service were found.
    /// </summary>
    public bool Strict { get; set; }

    /// <summary>The deadline of each contract method call (a server stream is read to its end or to it). Default 10 s.</summary>
    public TimeSpan MethodTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Descriptors of contracts' services the host knows, e.g. the generated code's (<c>DataSourceReflection.Descriptor</c>);
    /// looked up before the plugin's own <c>examples/*.protoset</c>.
    /// </summary>
    public IList<FileDescriptor> ContractDescriptors { get; } = [];

    /// <summary>FileDescriptorSet files (<c>protoc --include_imports --descriptor_set_out=FILE</c>) with contracts' services.</summary>
    public IList<string> DescriptorSetFiles { get; } = [];
}

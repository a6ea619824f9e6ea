using System.Text.RegularExpressions;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Plugboard.Manifests;

namespace Plugboard.Hosting.Rpc.Conformance;

/// <summary>
/// Finds the gRPC service of each contract a manifest declares among proto descriptors: the host's (generated code),
/// FileDescriptorSet files given to the checks, and the <c>examples/*.protoset</c> files the plugin ships. A contract
/// <c>a.b.name</c> of major version N is served as the service <c>a.b.vN.Name</c> (case of the name aside), e.g.
/// <c>usersync.datasource/v1</c> as <c>usersync.v1.DataSource</c>.
/// </summary>
internal sealed class ContractServices
{
    /// <summary>The plugin's own descriptor sets: <c>examples/*.protoset</c>.</summary>
    public const string PluginDescriptorSetPattern = "*.protoset";

    private readonly List<ServiceDescriptor> _services = [];

    private ContractServices()
    {
    }

    /// <summary>Problems reading descriptor files (what and why); the services found are still used.</summary>
    public List<string> Problems { get; } = [];

    /// <summary>Where the descriptors came from, for messages.</summary>
    public List<string> Sources { get; } = [];

    public static async Task<ContractServices> LoadAsync(ConformanceOptions options, string pluginDirectory, CancellationToken cancellationToken)
    {
        var found = new ContractServices();
        if (options.ContractDescriptors.Count > 0)
        {
            found._services.AddRange(options.ContractDescriptors.SelectMany(f => f.Services));
            found.Sources.Add("the host's descriptors");
        }

        var files = options.DescriptorSetFiles.Select(Path.GetFullPath).ToList();
        var examples = Path.Combine(pluginDirectory, "examples");
        if (Directory.Exists(examples))
        {
            files.AddRange(Directory.EnumerateFiles(examples, PluginDescriptorSetPattern).Order(StringComparer.Ordinal));
        }

        foreach (var file in files)
        {
            try
            {
                var set = FileDescriptorSet.Parser.ParseFrom(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
                var built = FileDescriptor.BuildFromByteStrings(InDependencyOrder(set));
                found._services.AddRange(built.SelectMany(f => f.Services));
                found.Sources.Add(Path.GetRelativePath(pluginDirectory, file));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidProtocolBufferException or ArgumentException or DescriptorValidationException)
            {
                found.Problems.Add($"{file} is not a usable FileDescriptorSet ({ex.Message}); write it with protoc --include_imports --descriptor_set_out={Path.GetFileName(file)} your.proto");
            }
        }

        return found;
    }

    /// <summary>The services of <paramref name="contract"/>: <c>a.b.vN.Name</c> for the contract <c>a.b.name</c>.</summary>
    public IReadOnlyList<ServiceDescriptor> For(ContractReference contract)
    {
        var dot = contract.Name.LastIndexOf('.');
        var package = dot < 0 ? string.Empty : Regex.Escape(contract.Name[..dot]) + "\\.";
        var name = Regex.Escape(dot < 0 ? contract.Name : contract.Name[(dot + 1)..]);
        var pattern = new Regex($"^{package}v[0-9]+\\.{name}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return _services
            .Where(s => pattern.IsMatch(s.FullName))
            .DistinctBy(s => s.FullName, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The service name a contract is expected under, for messages: <c>usersync.vN.datasource</c>.</summary>
    public static string ExpectedServiceName(ContractReference contract)
    {
        var dot = contract.Name.LastIndexOf('.');
        return dot < 0 ? $"vN.{contract.Name}" : $"{contract.Name[..dot]}.vN.{contract.Name[(dot + 1)..]}";
    }

    // FileDescriptor.BuildFromByteStrings wants each file after its dependencies; protoc writes them so, but a set
    // merged by hand may not be.
    private static List<ByteString> InDependencyOrder(FileDescriptorSet set)
    {
        var byName = set.File.GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var ordered = new List<ByteString>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        void Visit(FileDescriptorProto file)
        {
            if (!done.Add(file.Name))
            {
                return;
            }

            foreach (var dependency in file.Dependency)
            {
                if (byName.TryGetValue(dependency, out var proto))
                {
                    Visit(proto);
                }
            }

            ordered.Add(file.ToByteString());
        }

        foreach (var file in set.File)
        {
            Visit(file);
        }

        return ordered;
    }
}

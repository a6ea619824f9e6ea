using Microsoft.Extensions.Options;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>
/// Runs <c>endpoint</c> plugins: calls an already running gRPC service (<c>grpc://host:port</c>,
/// <c>unix:///path</c>) named by <see cref="RpcPluginOptions.EndpointAddress"/> or else the manifest's entry,
/// with the same deadlines, health checks and states as process plugins.
/// </summary>
public sealed class EndpointPluginRuntime(IEnumerable<RpcContractAdapter> adapters, IOptionsMonitor<RpcPluginOptions> options, TimeProvider? timeProvider = null)
    : RpcPluginRuntime(adapters, options, timeProvider)
{
    /// <inheritdoc />
    public override PluginRuntimeKind Kind => PluginRuntimeKind.Endpoint;

    /// <inheritdoc />
    protected override RpcPluginConnection CreateConnection(PluginLoadRequest request, RpcPluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        var address = options.EndpointAddress ?? ResolveEntry(request.Manifest, "grpc://my-plugin:5000");
        try
        {
            return new EndpointPluginConnection(request.Manifest.Id, address, options, request.Logger, Time);
        }
        catch (FormatException ex)
        {
            throw new PluginLoadException($"{request.Manifest.Id}: {ex.Message}.");
        }
    }
}

using Microsoft.Extensions.Options;
using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Runtimes;
using Plugboard.Manifests;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>
/// Runs <c>process</c> plugins: starts the manifest's entry for this platform in the plugin folder (a path in
/// the folder or a command line such as <c>node index.js</c>, never through a shell), completes the handshake,
/// and supervises the process (health checks, restart after a crash, graceful stop).
/// </summary>
public sealed class ProcessPluginRuntime(IEnumerable<RpcContractAdapter> adapters, IOptionsMonitor<RpcPluginOptions> options, TimeProvider? timeProvider = null)
    : RpcPluginRuntime(adapters, options, timeProvider)
{
    /// <inheritdoc />
    public override PluginRuntimeKind Kind => PluginRuntimeKind.Process;

    /// <inheritdoc />
    protected override RpcPluginConnection CreateConnection(PluginLoadRequest request, RpcPluginOptions options)
    {
        ArgumentNullException.ThrowIfNull(request);
        var entry = ResolveEntry(request.Manifest, "node index.js");
        PluginCommand command;
        try
        {
            command = PluginCommand.Parse(entry, request.Directory);
        }
        catch (FormatException ex)
        {
            throw new PluginLoadException($"{request.Manifest.Id}: entry '{entry}' cannot be run: {ex.Message}.");
        }

        return new ProcessPluginConnection(request.Manifest.Id, command, request.Directory, options, request.Logger, Time);
    }
}

using Plugboard.Rpc.Client;
using Plugboard.Rpc.Protocol;

namespace Plugboard.Rpc.Plugin;

/// <summary>A typed client of <c>plugboard.v1.Plugin</c>: what a host calls on a process plugin.</summary>
public sealed class PluginClient
{
    private readonly IRpcCallInvoker _invoker;

    /// <summary>Creates a client calling through <paramref name="invoker"/>.</summary>
    public PluginClient(IRpcCallInvoker invoker) => _invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));

    /// <summary>Creates a client on <paramref name="channel"/>.</summary>
    public PluginClient(RpcChannel channel)
        : this((channel ?? throw new ArgumentNullException(nameof(channel))).CallInvoker)
    {
    }

    /// <summary>Initializes the plugin with its configuration; returns its metadata.</summary>
    public Task<InitResponse> InitAsync(InitRequest request, CallOptions options = default) =>
        _invoker.UnaryAsync(PluginMethods.Init, request, options);

    /// <summary>Asks whether the plugin can really work, and why not.</summary>
    public Task<VerifyResponse> VerifyAsync(VerifyRequest request, CallOptions options = default) =>
        _invoker.UnaryAsync(PluginMethods.Verify, request, options);

    /// <summary>Asks the plugin to release its resources before the host stops it.</summary>
    public Task<ShutdownResponse> ShutdownAsync(ShutdownRequest request, CallOptions options = default) =>
        _invoker.UnaryAsync(PluginMethods.Shutdown, request, options);
}

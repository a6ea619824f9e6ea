using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Runtimes;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>One started out-of-process plugin, as the host holds it; unloading it stops the plugin.</summary>
public sealed class RpcLoadedPlugin : LoadedPlugin
{
    private readonly RpcPluginConnection _connection;

    /// <summary>Creates the loaded plugin.</summary>
    public RpcLoadedPlugin(string id, object implementation, PluginContext context, RpcPluginConnection connection)
    {
        Id = id;
        Implementation = implementation;
        Context = context;
        _connection = connection;
    }

    /// <inheritdoc />
    public override string Id { get; }

    /// <inheritdoc />
    public override object Implementation { get; }

    /// <inheritdoc />
    public override PluginContext Context { get; }

    /// <summary>Out-of-process plugins bind their configuration themselves: the host has no class for it.</summary>
    public override Type? ConfigType => null;

    /// <summary>The connection to the plugin: its state, restarts and the invoker of its calls.</summary>
    public RpcPluginConnection Connection => _connection;

    /// <inheritdoc />
    public override async Task<bool> UnloadAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _connection.StopAsync(cancellation.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

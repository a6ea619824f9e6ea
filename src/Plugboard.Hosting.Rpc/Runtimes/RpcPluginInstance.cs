using System.Reflection;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>
/// What the host gets for an out-of-process plugin: one object implementing the contract interface (calls go to
/// the contract's gRPC client) and <see cref="IPlugin"/> (Init and Verify go to <c>plugboard.v1.Plugin</c>), so to
/// the application it looks like any other implementation of the contract.
/// </summary>
public class RpcPluginInstance : DispatchProxy, IPlugin
{
    private object _client = null!;
    private RpcPluginLifecycle _lifecycle = null!;

    /// <summary>The contract's gRPC client.</summary>
    public object Client => _client;

    /// <summary>The plugin's lifecycle calls.</summary>
    public RpcPluginLifecycle Lifecycle => _lifecycle;

    /// <summary>Creates an object implementing <paramref name="contract"/> (through <paramref name="client"/>) and <see cref="IPlugin"/>.</summary>
    public static object Create(Type contract, object client, RpcPluginLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(lifecycle);
        if (!contract.IsInstanceOfType(client))
        {
            throw new ArgumentException($"The gRPC client {client.GetType().FullName} does not implement {contract.FullName}.", nameof(client));
        }

        var proxy = Create(contract, typeof(RpcPluginInstance));
        var instance = (RpcPluginInstance)proxy;
        instance._client = client;
        instance._lifecycle = lifecycle;
        return proxy;
    }

    /// <inheritdoc />
    public ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken) => _lifecycle.InitAsync(context, cancellationToken);

    /// <inheritdoc />
    public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) => _lifecycle.VerifyAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _lifecycle.DisposeAsync().ConfigureAwait(false);
        if (_client is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }

    /// <inheritdoc />
    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var target = targetMethod.DeclaringType == typeof(IPlugin) || targetMethod.DeclaringType == typeof(IAsyncDisposable) ? (object)this : _client;
        return targetMethod.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);
    }
}

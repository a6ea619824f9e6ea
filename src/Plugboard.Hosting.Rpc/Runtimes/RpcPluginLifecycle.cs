using Grpc.Core;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Rpc.Protocol;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>
/// <see cref="IPlugin"/> for an out-of-process plugin: Init and Verify are the <c>plugboard.v1.Plugin</c> calls.
/// Init is remembered and repeated on every restarted process, so a crash does not lose the configuration.
/// </summary>
public sealed class RpcPluginLifecycle : IPlugin
{
    private readonly RpcPluginConnection _connection;
    private InitRequest? _lastInit;

    /// <summary>Creates the lifecycle of the plugin behind <paramref name="connection"/>.</summary>
    public RpcPluginLifecycle(RpcPluginConnection connection)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        connection.Reinitialize = ReinitializeAsync;
    }

    /// <summary>The connection to the plugin.</summary>
    public RpcPluginConnection Connection => _connection;

    /// <inheritdoc />
    public async ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = new InitRequest
        {
            PluginId = context.PluginId,
            Version = context.Version,
            Configuration = StructJson.ToStruct(context.Configuration),
        };
        try
        {
            var response = await new Plugin.PluginClient(_connection.CallInvoker)
                .InitAsync(request, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            _lastInit = request;
            return StructJson.ToMetadata(response.Metadata);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            // A plain gRPC service without the lifecycle (e.g. an endpoint): nothing to initialize.
            _lastInit = null;
            return PluginMetadata.Empty;
        }
        catch (RpcException ex)
        {
            throw new InvalidOperationException($"plugin '{context.PluginId}' failed Init: {ex.Status.StatusCode}: {ex.Status.Detail}", ex);
        }
    }

    /// <inheritdoc />
    public async ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await new Plugin.PluginClient(_connection.CallInvoker)
                .VerifyAsync(new VerifyRequest(), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return response.Ready
                ? VerifyResult.Ready()
                : VerifyResult.NotReady(string.IsNullOrWhiteSpace(response.Reason) ? $"plugin '{_connection.PluginId}' says it is not ready and gave no reason" : response.Reason);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unimplemented)
        {
            return VerifyResult.Ready();
        }
        catch (RpcException ex)
        {
            return VerifyResult.NotReady($"Verify failed: {ex.Status.StatusCode}: {ex.Status.Detail}");
        }
    }

    /// <summary>Nothing to release here: the runtime stops the plugin (Shutdown, then its process) when it unloads it.</summary>
    public ValueTask DisposeAsync() => default;

    private async Task ReinitializeAsync(CallInvoker invoker, CancellationToken cancellationToken)
    {
        if (_lastInit is { } request)
        {
            await new Plugin.PluginClient(invoker).InitAsync(request, deadline: DateTime.UtcNow + _connection.Options.CallTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
